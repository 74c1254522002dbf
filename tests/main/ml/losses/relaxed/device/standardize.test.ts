import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  centreColumns,
  standardizeColumns,
} from '../../../../../../src-main/ml/losses/relaxed/device/standardize';
import { batchStandardize, centerColumns } from '../../../../../../src-main/ml/losses/standardize';
import { randomViews, relativeMaxError } from '../../helpers';

// the closed-form backward against the stock autodiff of the same forward, for an upstream
// gradient with non-zero column means (the relaxed losses' own dA has none, so they cannot tell)
describe('device standardisation with closed-form gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['standardizeColumns', standardizeColumns, batchStandardize],
    ['centreColumns', centreColumns, centerColumns],
  ] as const)('%s: value and gradient match the stock ops', (_, ours, stock) => {
    const [z, w] = randomViews(7, 5, 3);
    const before = tf.memory().numTensors;
    const [value, expected, grad, expectedGrad] = tf.tidy(() => {
      const zt = tf.tensor2d(z);
      const wt = tf.add(tf.tensor2d(w), 0.7);
      const f = (fn: (x: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor) =>
        tf.sum(tf.mul(fn(x as tf.Tensor2D), wt));
      return [ours(zt), stock(zt), tf.grad(f(ours))(zt), tf.grad(f(stock))(zt)].map(
        (t) => t.arraySync() as number[][],
      );
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeMaxError(value!, expected!)).toBeLessThan(1e-6);
    expect(relativeMaxError(grad!, expectedGrad!)).toBeLessThan(1e-5);
  });
});
