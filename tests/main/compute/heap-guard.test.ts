import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/compute/backend';
import { HeapExhaustedError } from '../../../src-main/compute/heap-guard';
import { heapAccess } from '../../../src-main/compute/wasm-kernels/heap';

// Its own file: once the allocator has failed, the heap is not used again.
describe('a wasm heap that cannot grow further', () => {
  it('fails the allocation with a clear error instead of corrupting memory or trapping', async () => {
    await selectBackend('wasm', 1);
    const heap = heapAccess(tf.backend());
    // Two 2.2 GB outputs (never written, so never touched) do not fit in 4 GiB together.
    const first = heap.makeOutput([550_000_000], 'float32');
    let failure: unknown;
    try {
      heap.makeOutput([550_000_000], 'float32');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(HeapExhaustedError);
    expect((failure as Error).message).toMatch(/out of memory: it could not allocate 2098 MiB more/);
    tf.backend().disposeData(first.dataId);
  });
});
