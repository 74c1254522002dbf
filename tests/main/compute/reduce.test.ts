import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WASM_TRAINING_KERNELS, registerWasmTrainingKernels } from '../../../src-main/compute/wasm-kernels';
import { relativeMaxError, seededValues, valuesOn } from './backend-compare';

describe('wasm training kernels: Sum and Mean over leading axes match the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each([
    { shape: [600, 512], axis: 0, keepDims: false },
    { shape: [600, 512], axis: [0], keepDims: true },
    { shape: [32, 32, 32, 80], axis: [0, 1, 2], keepDims: false },
    { shape: [32, 32, 32, 80], axis: [0, 2], keepDims: true },
    { shape: [8, 10, 12], axis: 1, keepDims: false },
  ])('$shape over $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor(seededValues(tf.util.sizeFromShape(shape), 31), shape);
        const sum = tf.sum(x, axis, keepDims);
        const mean = tf.mean(x, axis, keepDims);
        expect(sum.shape).toEqual(mean.shape);
        return tf.concat([sum.flatten(), mean.flatten()]);
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
  });

  it('lists what it registers', () => {
    expect([...WASM_TRAINING_KERNELS].sort()).toEqual(
      [
        'BatchMatMul',
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'Identity',
        'MaxPoolGrad',
        'Mean',
        'Sum',
        'Transpose',
        'UnsortedSegmentSum',
        '_FusedMatMul',
      ].sort(),
    );
  });
});
