import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { knnAccuracy } from '../../../../src-main/ml/eval/knn';

describe('weighted kNN accuracy (solo-learn style, cosine)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches a hand-computed example', async () => {
    // Train points on the unit circle-ish: class 0 near +x, class 1 near +y, class 2 near -x.
    const train = tf.tensor2d([
      [1, 0],
      [0.9, 0.1],
      [0, 1],
      [0.1, 0.9],
      [-1, 0],
    ]);
    const trainLabels = new Int32Array([0, 0, 1, 1, 2]);
    // Test 1: (0.8, 0.6) -> nearest are class 0 (sims 0.8, ~0.79) and class 1 (0.6, ~0.62) with k=2:
    // both neighbours are class 0 -> predicted 0. Test 2: (-0.6, 0.8): sims to class 1 = 0.8, 0.66
    // beat class 2 (0.6) -> 1. Test 3: (-1, 0.1): nearest is class 2 (0.995), next class 1 (0.1) -> 2.
    const test = tf.tensor2d([
      [0.8, 0.6],
      [-0.6, 0.8],
      [-1, 0.1],
    ]);
    const labels = new Int32Array([0, 2, 2]);
    const result = await knnAccuracy(
      { features: train, labels: trainLabels },
      { features: test, labels },
      { k: 2, temperature: 0.07, classCount: 3 },
    );
    expect(result.top1).toBeCloseTo(2 / 3, 10); // the second test point is "wrong" on purpose
    expect(result.top5).toBeUndefined(); // fewer than 5 classes
    tf.dispose([train, test]);
  });

  it('weights votes by exp(similarity / T): two far neighbours lose to one close one at low T', async () => {
    const train = tf.tensor2d([
      [1, 0],
      [0.5, 0.866],
      [0.5, -0.866],
    ]);
    const trainLabels = new Int32Array([0, 1, 1]);
    const test = tf.tensor2d([[0.95, 0.05]]);
    const sharp = await knnAccuracy(
      { features: train, labels: trainLabels },
      { features: test, labels: new Int32Array([0]) },
      { k: 3, temperature: 0.07, classCount: 2 },
    );
    expect(sharp.top1).toBe(1);
    const flat = await knnAccuracy(
      { features: train, labels: trainLabels },
      { features: test, labels: new Int32Array([0]) },
      { k: 3, temperature: 100, classCount: 2 },
    );
    expect(flat.top1).toBe(0); // at high T it is a plain majority vote
    tf.dispose([train, test]);
  });

  it('reports top-5 with enough classes, works in chunks and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const classCount = 10;
    const train = tf.tidy(() =>
      tf
        .eye(classCount)
        .mul(3)
        .add(tf.randomUniform([classCount, classCount], 0, 0.1, 'float32', 1)),
    ) as tf.Tensor2D;
    const test = tf.tidy(() =>
      tf.eye(classCount).add(tf.randomUniform([classCount, classCount], 0, 0.1, 'float32', 2)),
    ) as tf.Tensor2D;
    const labels = Int32Array.from({ length: classCount }, (_, i) => i);
    const result = await knnAccuracy(
      { features: train, labels },
      { features: test, labels },
      { k: 1, temperature: 0.07, classCount, chunkSize: 3 },
    );
    expect(result).toEqual({ top1: 1, top5: 1 });
    tf.dispose([train, test]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched labels', async () => {
    const features = tf.zeros([3, 2]) as tf.Tensor2D;
    await expect(
      knnAccuracy(
        { features, labels: new Int32Array(2) },
        { features, labels: new Int32Array(3) },
        { k: 1, temperature: 1, classCount: 2 },
      ),
    ).rejects.toThrow(/train has 3 feature rows but 2 labels/);
    features.dispose();
  });
});
