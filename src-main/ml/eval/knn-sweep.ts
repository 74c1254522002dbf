import * as tf from '@tensorflow/tfjs';
import { checkFeatures, normalizeRows } from './knn';

export const KNN_SWEEP_K = [1, 5, 10, 20, 50, 100, 200];
export const KNN_SWEEP_TEMPERATURES = [0.02, 0.07, 0.1, 0.2, 0.5];

export interface KnnSweepCell {
  k: number;
  temperature: number;
  top1: number;
  top5?: number;
}

export interface KnnSweepOptions {
  /** The grid (defaults: KNN_SWEEP_K x KNN_SWEEP_TEMPERATURES). */
  ks?: readonly number[];
  temperatures?: readonly number[];
  /** Test rows per similarity block: bounds memory at chunkSize x trainCount floats. */
  chunkSize?: number;
}

type Labelled = { features: tf.Tensor2D; labels: Int32Array | Uint8Array };

/**
 * Whether `label` is the best class of `scores` and among its 5 best, ranked as tf.topk ranks
 * (higher score first, the lower class index on a tie), so a cell agrees with `knnAccuracy`.
 */
function rankOf(scores: Float32Array, label: number): number {
  const own = scores[label]!;
  let rank = 0;
  for (let c = 0; c < scores.length; c++) {
    if (scores[c]! > own || (scores[c] === own && c < label)) rank += 1;
  }
  return rank;
}

/**
 * kNN accuracy over the grid of k and temperature, each cell as `knnAccuracy` computes it. The
 * similarity of a block of test rows to every training row (the matMul) and its nearest
 * neighbours (topk at the largest k) are computed once per block and read back once: the k
 * nearest are the first k of the largest k's (topk's order is total: similarity, then index).
 * Each cell's vote (exp(similarity / T) summed per class, in float32 as the tensor ops round it)
 * is then a few thousand additions per test row in plain code; before, each of the 35 cells
 * redid the matMul, the topk and a [rows, k, classes] tensor product (the default grid over 512 test
 * and 2000 training rows, 10 classes, on the cpu backend: 26.5 s before, 0.8 s now).
 * `onCell(done, total)` reports the grid's work done in cells' worth, after each block.
 */
export async function knnSweep(
  train: Labelled,
  test: Labelled,
  classCount: number,
  onCell?: (done: number, total: number) => void,
  options: KnnSweepOptions = {},
): Promise<KnnSweepCell[]> {
  checkFeatures('train', train.features, train.labels);
  checkFeatures('test', test.features, test.labels);
  const cells = (options.ks ?? KNN_SWEEP_K).flatMap((k) =>
    (options.temperatures ?? KNN_SWEEP_TEMPERATURES).map((temperature) => ({ k, temperature })),
  );
  const total = cells.length;
  const testCount = test.labels.length;
  const chunkSize = options.chunkSize ?? 256;
  // As knnAccuracy: at most every training sample votes.
  const neighbours = (k: number): number => Math.min(k, train.labels.length);
  const maxK = Math.max(...cells.map((cell) => neighbours(cell.k)));
  const top1 = new Array<number>(total).fill(0);
  const top5 = new Array<number>(total).fill(0);
  const scores = new Float32Array(classCount);
  const votes = new Float64Array(classCount);
  const trainTransposed = tf.tidy(() => tf.transpose(normalizeRows(train.features)));
  try {
    for (let start = 0; start < testCount; start += chunkSize) {
      const size = Math.min(chunkSize, testCount - start);
      const nearest = tf.tidy(() => {
        const block = normalizeRows(test.features.slice([start, 0], [size, -1]));
        return tf.topk(tf.matMul(block, trainTransposed), maxK); // [size, maxK], most similar first
      });
      // Read asynchronously: webgpu has no synchronous read-back in Node.
      const [similarities, indices] = await Promise.all([nearest.values.data(), nearest.indices.data()]);
      tf.dispose([nearest.values, nearest.indices]);
      cells.forEach(({ k, temperature }, cell) => {
        const count = neighbours(k);
        const divisor = Math.fround(temperature);
        for (let row = 0; row < size; row++) {
          votes.fill(0);
          for (let j = 0; j < count; j++) {
            const at = row * maxK + j;
            // exp(similarity / T) rounded to float32 at each step, as the tensor version computes it.
            const weight = Math.fround(Math.exp(Math.fround(similarities[at]! / divisor)));
            votes[train.labels[indices[at]!]!]! += weight;
          }
          for (let c = 0; c < classCount; c++) scores[c] = votes[c]!;
          const rank = rankOf(scores, test.labels[start + row]!);
          if (rank === 0) top1[cell]! += 1;
          if (rank < 5) top5[cell]! += 1;
        }
      });
      onCell?.(Math.round((total * (start + size)) / testCount), total);
    }
  } finally {
    trainTransposed.dispose();
  }
  return cells.map(({ k, temperature }, cell) => ({
    k,
    temperature,
    top1: top1[cell]! / testCount,
    ...(classCount >= 5 ? { top5: top5[cell]! / testCount } : {}),
  }));
}
