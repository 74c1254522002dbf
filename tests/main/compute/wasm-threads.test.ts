import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/compute/backend';
import { defaultWasmThreads } from '../../../src-main/compute/wasm-thread-count';
import {
  clearTransposedWeights,
  LARGE_RIGHT_OPERAND,
  transposedWeightCount,
} from '../../../src-main/compute/wasm-kernels/large-weight-product';
import { relativeMaxError, seededValues } from './backend-compare';

/** Values of `compute` on the cpu backend, then on wasm (left selected as it was). */
async function onCpuThenWasm(compute: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend('cpu');
  const expected = tf.tidy(compute).dataSync() as Float32Array;
  await tf.setBackend('wasm');
  const actual = tf.tidy(compute).dataSync() as Float32Array;
  return [actual, expected];
}

describe('the default thread count', () => {
  it('is every core, at most 8, unless DECORBENCH_WASM_THREADS says otherwise', () => {
    const saved = process.env.DECORBENCH_WASM_THREADS;
    try {
      delete process.env.DECORBENCH_WASM_THREADS;
      expect(defaultWasmThreads()).toBe(Math.min(os.availableParallelism(), 8));
      process.env.DECORBENCH_WASM_THREADS = '1';
      expect(defaultWasmThreads()).toBe(1);
      process.env.DECORBENCH_WASM_THREADS = '32';
      expect(defaultWasmThreads()).toBe(8);
      process.env.DECORBENCH_WASM_THREADS = 'many';
      expect(defaultWasmThreads()).toBe(Math.min(os.availableParallelism(), 8));
    } finally {
      if (saved === undefined) delete process.env.DECORBENCH_WASM_THREADS;
      else process.env.DECORBENCH_WASM_THREADS = saved;
    }
  });
});

// One file, run in order: the fallback first, then the threaded backend the other tests use.
describe('wasm on several threads', () => {
  it('falls back to one thread, saying why, when the pool cannot start that many', async () => {
    const selection = await selectBackend('wasm', 9);
    expect(selection.device).toBe('CPU (WebAssembly, SIMD, 1 thread)');
    expect(selection.skipped).toEqual([expect.stringMatching(/^wasm with 9 threads: .*8 threads, not 9/)]);
    expect(getThreadsCount()).toBe(1);
  });

  it('starts the threaded build with two threads', async () => {
    const cores = os.cpus().length;
    const selection = await selectBackend('wasm', 2);
    expect(selection).toEqual({ name: 'wasm', device: 'CPU (WebAssembly, SIMD, 2 threads)', skipped: [] });
    expect(getThreadsCount()).toBe(2);
    expect(os.cpus()).toHaveLength(cores); // the count tfjs was shown at start-up is put back
  });

  it('convolutions and their gradients match the cpu backend', async () => {
    const x = () => tf.tensor4d(seededValues(4 * 12 * 12 * 3, 1), [4, 12, 12, 3]);
    const filter = () => tf.tensor4d(seededValues(3 * 3 * 3 * 16, 2), [3, 3, 3, 16]);
    const [actual, expected] = await onCpuThenWasm(() => {
      const [dx, dFilter] = tf.grads((input: tf.Tensor, weights: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, weights as tf.Tensor4D, 2, 'same'))),
      )([x(), filter()]);
      return tf.concat([dx!.flatten(), dFilter!.flatten()]);
    });
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
  });

  it('a dense layer with large weights goes through their transpose, kept while the weights live', async () => {
    const [rows, inner, columns] = [16, 4096, 2048];
    expect(inner * columns).toBeGreaterThanOrEqual(LARGE_RIGHT_OPERAND);
    const input = () => tf.tensor2d(seededValues(rows * inner, 3), [rows, inner]);
    const weights = () => tf.tensor2d(seededValues(inner * columns, 4), [inner, columns]);
    const bias = () => tf.tensor1d(seededValues(columns, 5));
    const dense = (w: tf.Tensor2D) => tf.fused.matMul({ a: input(), b: w, bias: bias(), activation: 'relu' });

    const [actual, expected] = await onCpuThenWasm(() => dense(weights()));
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
    expect(expected.some((value) => value === 0)).toBe(true); // relu applied after the bias

    const backend = tf.backend();
    clearTransposedWeights(backend);
    const buffers = backend.numDataIds();
    const kept = weights();
    const first = tf.tidy(() => dense(kept).dataSync());
    expect(transposedWeightCount(backend)).toBe(1);
    const second = tf.tidy(() => dense(kept).dataSync());
    expect(transposedWeightCount(backend)).toBe(1); // reused, not made again
    expect(second).toEqual(first);
    kept.dispose();
    // The next large product drops the transpose of the freed weights.
    const other = weights();
    tf.tidy(() => dense(other).dataSync());
    expect(transposedWeightCount(backend)).toBe(1);
    other.dispose();
    clearTransposedWeights(backend);
    expect(backend.numDataIds()).toBe(buffers);
  });

  it('large transposes (SIMD on the shared heap) match the cpu backend', async () => {
    const [actual, expected] = await onCpuThenWasm(() =>
      tf.transpose(tf.tensor2d(seededValues(1023 * 2050, 6), [1023, 2050])),
    );
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('reads tensors correctly after the shared heap has grown', async () => {
    const small = tf.tensor1d([1, 2, 3]);
    const large = tf.fill([2 ** 26], 7); // 256 MiB: grows the heap past its first size
    expect(Array.from(large.slice([2 ** 26 - 3], [3]).dataSync())).toEqual([7, 7, 7]);
    expect(Array.from(small.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([small, large]);
  });
});
