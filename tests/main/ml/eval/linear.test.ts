import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLinearClassifier } from '../../../../src-main/ml/eval/linear';
import { knnSweep, KNN_SWEEP_K, KNN_SWEEP_TEMPERATURES } from '../../../../src-main/ml/eval/knn-sweep';
import { Random } from '../../../../src-main/ml/random';

/** Linearly separable clusters: class c is centred on 4 * e_c, plus unit noise. */
function clusters(count: number, classCount: number, width: number, seed: number) {
  const random = new Random(seed);
  const labels = new Int32Array(count);
  const values = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    const label = i % classCount;
    labels[i] = label;
    for (let j = 0; j < width; j++) values[i * width + j] = random.normal() + (j === label ? 4 : 0);
  }
  return { features: tf.tensor2d(values, [count, width]), labels };
}

describe('offline evaluation on frozen features', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a linear probe reaches high accuracy on linearly separable features, without leaks', async () => {
    const before = tf.memory().numTensors;
    const train = clusters(600, 6, 16, 1);
    const test = clusters(300, 6, 16, 2);
    const epochs: number[] = [];
    const result = await trainLinearClassifier(train, test, {
      classCount: 6,
      epochs: 10,
      batchSize: 64,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 0,
      decayEpochs: [6, 8],
      seed: 0,
      onEpoch: (epoch) => epochs.push(epoch),
    });
    expect(result.top1).toBeGreaterThan(0.95);
    expect(result.top5).toBe(1);
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    tf.dispose([train.features, test.features]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is at chance level on random labels', async () => {
    const train = clusters(400, 4, 8, 3);
    const test = clusters(400, 4, 8, 4);
    const shuffled = new Random(5).permutation(400);
    const labels = Int32Array.from(shuffled, (i) => test.labels[i]!);
    const result = await trainLinearClassifier(
      train,
      { features: test.features, labels },
      {
        classCount: 4,
        epochs: 5,
        batchSize: 64,
        learningRate: 0.1,
        momentum: 0.9,
        weightDecay: 0,
        decayEpochs: [],
        seed: 0,
      },
    );
    expect(result.top1).toBeLessThan(0.4);
    tf.dispose([train.features, test.features]);
  });

  it('sweeps the kNN grid of k and temperature', async () => {
    const train = clusters(300, 5, 8, 6);
    const test = clusters(100, 5, 8, 7);
    const cells = await knnSweep(train, test, 5);
    expect(cells).toHaveLength(KNN_SWEEP_K.length * KNN_SWEEP_TEMPERATURES.length);
    expect(cells[0]).toMatchObject({ k: 1, temperature: 0.02 });
    for (const cell of cells) expect(cell.top1).toBeGreaterThan(0.85);
    tf.dispose([train.features, test.features]);
  });
});
