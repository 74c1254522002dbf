import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../../../../src-main/ml/models/batch-norm-op';
import { BatchNorm } from '../../../../src-main/ml/models/batch-norm';

const maxDifference = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('BatchNorm (fused training op with a hand-written gradient)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each([
    [6, 5],
    [3, 4, 5, 7],
  ])('matches autodiff of the textbook formula for input shape %j', (...shape: number[]) => {
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 1, 2, 'float32', 1);
      const channels = shape[shape.length - 1]!;
      const gamma = tf.randomNormal([channels], 1, 0.5, 'float32', 2) as tf.Tensor1D;
      const beta = tf.randomNormal([channels], 0, 0.5, 'float32', 3) as tf.Tensor1D;
      const weights = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const reference = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
        const axes = shape.slice(0, -1).map((_, axis) => axis);
        const { mean, variance } = tf.moments(input, axes);
        return tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-5))), scale), offset);
      };
      const fused = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
        const result = batchNormTraining(input, scale as tf.Tensor1D, offset as tf.Tensor1D, 1e-5);
        tf.dispose([result.mean, result.variance]);
        return result.output;
      };
      expect(maxDifference(fused(x, gamma, beta), reference(x, gamma, beta))).toBeLessThan(1e-5);
      const loss = (f: typeof reference) => (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
        tf.sum(tf.mul(tf.square(f(input, scale, offset)), weights));
      const expected = tf.grads(loss(reference))([x, gamma, beta]);
      const actual = tf.grads(loss(fused))([x, gamma, beta]);
      actual.forEach((gradient, index) =>
        expect(maxDifference(gradient, expected[index]!)).toBeLessThan(2e-4),
      );
    });
  });

  it('updates moving statistics like PyTorch (unbiased variance, momentum 0.1) and uses them at inference', () => {
    const layer = new BatchNorm({ name: 'bn_probe' });
    const x = tf.tensor2d([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    const [, , movingMean, movingVariance] = layer.getWeights();
    // mean (3, 30); unbiased variance (4, 700); new = 0.9 old + 0.1 batch
    expect(Array.from(movingMean!.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(3, 5)]);
    expect(Array.from(movingVariance!.dataSync())).toEqual([
      expect.closeTo(0.9 + 0.4, 6),
      expect.closeTo(0.9 + 70, 4),
    ]);
    const before = tf.memory().numTensors;
    (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const moving = { mean: movingMean!.dataSync()[0]!, variance: movingVariance!.dataSync()[0]! };
    const inference = tf.tidy(() =>
      Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync()),
    );
    expect(inference[0]).toBeCloseTo((1 - moving.mean) / Math.sqrt(moving.variance + 1e-5), 5);
    layer.dispose();
    x.dispose();
  });
});
