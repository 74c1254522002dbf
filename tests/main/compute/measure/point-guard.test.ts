import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';
import { describeFailure, guardPoint, isOutOfMemory } from '../../../../src-main/compute/measure/point-guard';

describe('guardPoint on the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('records a real allocation that cannot succeed as out of memory, and the next point runs', async () => {
    // 70000^2 float32 elements: over V8's typed-array limit, so the cpu backend's output fails at once.
    const failed = await guardPoint(async () => tf.zeros([70000, 70000]).data());
    expect(failed).toMatchObject({ status: 'out-of-memory' });
    expect((failed as { error: string }).error).toMatch(/Invalid typed array length/);
    const next = await guardPoint(async () => Array.from(await tf.ones([2]).data()));
    expect(next).toEqual({ status: 'ok', value: [1, 1] });
  });

  it('records any other error as failed, with its first line', async () => {
    const failed = await guardPoint(async () => {
      throw new Error('no kernel Foo for backend cpu\n    at stack');
    });
    expect(failed).toEqual({ status: 'failed', error: 'no kernel Foo for backend cpu' });
  });

  it('knows the messages of memory that ran out or of buffers over a device limit', () => {
    const heap = Object.assign(new Error('could not allocate 512 MiB more'), { name: 'HeapExhaustedError' });
    expect(isOutOfMemory(heap)).toBe(true);
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory('Buffer size (4294967296) exceeds the max buffer size limit (1073741824).')).toBe(
      true,
    );
    expect(isOutOfMemory('Binding size (8) is larger than the maxStorageBufferBindingSize (4).')).toBe(true);
    expect(isOutOfMemory(new Error('Kernel Conv3D is not registered'))).toBe(false);
    expect(describeFailure(new RangeError('Invalid array length'))).toEqual({
      status: 'out-of-memory',
      error: 'Invalid array length',
    });
  });
});
