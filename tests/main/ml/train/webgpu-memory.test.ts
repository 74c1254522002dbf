import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRIC_DEFINITIONS } from '@shared/metrics';
import { selectBackend } from '../../../../src-main/compute/backend';
import { stepMemory } from '../../../../src-main/ml/train/memory';
import { stepMetrics, type StepReport } from '../../../../src-main/ml/train/reports';
import { useSoftwareVulkan } from '../../../helpers/webgpu';

const report = (memory: StepReport['memory']): StepReport => ({
  step: 1,
  epoch: 1,
  totalSteps: 1,
  totalEpochs: 1,
  loss: 1,
  terms: {},
  learningRate: 0.1,
  samplesPerSecond: 1,
  timings: { dataMs: 0, forwardMs: 0, backwardMs: 0, stepMs: 0 },
  memory,
});

describe('GPU memory in the step metrics', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  it('on webgpu: the bytes of live tensors in GPU buffers, and all the buffers held', async () => {
    await tf.setBackend('webgpu');
    const before = stepMemory();
    const x = tf.fill([1024, 256], 1); // 1 MiB, written on the device
    await x.data(); // the device buffer exists once the kernel has run
    const during = stepMemory();
    x.dispose();
    const after = stepMemory();
    expect(during.gpuBytes! - before.gpuBytes!).toBe(1024 * 256 * 4);
    expect(during.gpuAllocatedBytes).toBeGreaterThanOrEqual(during.gpuBytes!);
    expect(after.gpuBytes).toBe(before.gpuBytes);
    // Freed buffers stay in the backend's pool: still allocated.
    expect(after.gpuAllocatedBytes).toBe(during.gpuAllocatedBytes);
    const metrics = Object.fromEntries(stepMetrics(report(during)));
    expect(metrics[METRIC.gpuBytes]).toBe(during.gpuBytes);
    expect(metrics[METRIC.gpuAllocatedBytes]).toBe(during.gpuAllocatedBytes);
    expect(METRIC_DEFINITIONS[METRIC.gpuBytes]).toMatchObject({ group: 'memory', unit: 'bytes' });
  });

  it('on cpu: no GPU metric', async () => {
    await tf.setBackend('cpu');
    const memory = stepMemory();
    expect(memory).not.toHaveProperty('gpuBytes');
    const names = stepMetrics(report(memory)).map(([name]) => name);
    expect(names).not.toContain(METRIC.gpuBytes);
    expect(names).toContain(METRIC.tfjsBytes);
  });
});
