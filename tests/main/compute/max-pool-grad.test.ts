import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src-main/compute/wasm-kernels';
import { relativeMaxError, seededValues, valuesOn } from './backend-compare';

interface PoolCase {
  input: [number, number, number, number];
  size: number | [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid';
  /** Round the values to a few levels so windows hold equal maxima (ties). */
  ties?: boolean;
}

const cases: PoolCase[] = [
  { input: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' },
  { input: [2, 7, 9, 2], size: 2, stride: 2, pad: 'same' },
  { input: [1, 9, 9, 4], size: 3, stride: 2, pad: 'same' },
  { input: [2, 10, 8, 1], size: 3, stride: 1, pad: 'valid' },
  { input: [1, 11, 11, 2], size: [2, 3], stride: [3, 2], pad: 'same' },
  { input: [3, 8, 8, 5], size: 2, stride: 2, pad: 'valid', ties: true },
  { input: [2, 9, 9, 2], size: 3, stride: 1, pad: 'same', ties: true },
  // channels a multiple of 4: the WebAssembly SIMD kernel
  { input: [2, 8, 8, 8], size: 2, stride: 2, pad: 'valid' },
  { input: [2, 7, 9, 12], size: 2, stride: 2, pad: 'same' },
  { input: [2, 9, 9, 4], size: 3, stride: 2, pad: 'same', ties: true },
  { input: [1, 11, 11, 8], size: [2, 3], stride: [3, 2], pad: 'same' },
  { input: [3, 8, 8, 16], size: 2, stride: 2, pad: 'valid', ties: true },
  { input: [2, 9, 9, 8], size: 3, stride: 1, pad: 'same', ties: true },
];

/** The gradient of a max-pool, taken the way training does (through tf.grad). */
function poolGradient(c: PoolCase): tf.Tensor {
  return tf.tidy(() => {
    let values = tf.tensor4d(seededValues(tf.util.sizeFromShape(c.input), 3), c.input);
    // Levels like a ReLU output: many exact zeros, plus repeated positive values.
    if (c.ties) values = tf.relu(tf.round(tf.mul(values, 2)));
    const outShape = tf.maxPool(values, c.size, c.stride, c.pad).shape;
    const dy = tf.tensor4d(seededValues(tf.util.sizeFromShape(outShape), 4), outShape as typeof c.input);
    return tf.grad((x: tf.Tensor) => tf.mul(tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad), dy).sum())(
      values,
    );
  });
}

describe('wasm MaxPoolGrad matches the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each(cases)('input $input, size $size, stride $stride, $pad, ties $ties', async (c) => {
    const expected = await valuesOn('cpu', () => poolGradient(c));
    const actual = await valuesOn('wasm', () => poolGradient(c));
    // Overlapping windows add several dy values into one pixel, in another order than cpu does.
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-6);
    expect(actual.map((value) => (value === 0 ? 0 : 1))).toEqual(
      expected.map((value) => (value === 0 ? 0 : 1)),
    );
    expect(expected.some((value) => value !== 0)).toBe(true);
  });
});
