import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { knnAccuracy } from '../../../../src-main/ml/eval/knn';
import { KNN_SWEEP_K, KNN_SWEEP_TEMPERATURES, knnSweep } from '../../../../src-main/ml/eval/knn-sweep';
import { Random } from '../../../../src-main/ml/random';

/** Overlapping clusters (centre 1.5 * e_c, unit noise): accuracies well inside (0, 1), differing by k and T. */
function noisy(count: number, classCount: number, width: number, seed: number) {
  const random = new Random(seed);
  const labels = new Int32Array(count);
  const values = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    labels[i] = i % classCount;
    for (let j = 0; j < width; j++) values[i * width + j] = random.normal() + (j === labels[i] ? 1.5 : 0);
  }
  return { features: tf.tensor2d(values, [count, width]), labels };
}

describe('kNN sweep with one similarity and topk per block', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['6 classes (top-5 too)', 6],
    ['3 classes (no top-5)', 3],
  ])('gives every cell what knnAccuracy gives it: %s', async (_name, classCount) => {
    const train = noisy(150, classCount, 8, 11);
    const test = noisy(70, classCount, 8, 12);
    const ks = [1, 3, 20, 200]; // 200 > 150 training rows: every one votes
    const temperatures = [0.05, 0.5];
    const progress: [number, number][] = [];
    const cells = await knnSweep(train, test, classCount, (done, total) => progress.push([done, total]), {
      ks,
      temperatures,
      chunkSize: 32,
    });
    expect(cells.map((cell) => [cell.k, cell.temperature])).toEqual(
      ks.flatMap((k) => temperatures.map((temperature) => [k, temperature])),
    );
    for (const cell of cells) {
      const expected = await knnAccuracy(train, test, {
        k: cell.k,
        temperature: cell.temperature,
        classCount,
        chunkSize: 32,
      });
      expect({ k: cell.k, temperature: cell.temperature, ...expected }).toEqual(cell);
    }
    // Not a constant grid: k and T change the answer on this data.
    expect(new Set(cells.map((cell) => cell.top1)).size).toBeGreaterThan(1);
    // Three blocks of 32, 32 and 6 rows: progress in cells' worth, ending at the whole grid.
    expect(progress).toEqual([
      [4, 8],
      [7, 8],
      [8, 8],
    ]);
    tf.dispose([train.features, test.features]);
  });

  it('sweeps the default grid without leaking tensors', async () => {
    const train = noisy(60, 5, 4, 3);
    const test = noisy(20, 5, 4, 4);
    const before = tf.memory().numTensors;
    const cells = await knnSweep(train, test, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(cells).toHaveLength(KNN_SWEEP_K.length * KNN_SWEEP_TEMPERATURES.length);
    tf.dispose([train.features, test.features]);
  });
});
