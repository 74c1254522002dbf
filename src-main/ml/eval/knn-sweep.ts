import type * as tf from '@tensorflow/tfjs';
import { knnAccuracy } from './knn';

export const KNN_SWEEP_K = [1, 5, 10, 20, 50, 100, 200];
export const KNN_SWEEP_TEMPERATURES = [0.02, 0.07, 0.1, 0.2, 0.5];

export interface KnnSweepCell {
  k: number;
  temperature: number;
  top1: number;
  top5?: number;
}

/** kNN accuracy over the grid of k and temperature (the same features for every cell). */
export async function knnSweep(
  train: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  test: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  classCount: number,
  onCell?: (done: number, total: number) => void,
): Promise<KnnSweepCell[]> {
  const cells: KnnSweepCell[] = [];
  const total = KNN_SWEEP_K.length * KNN_SWEEP_TEMPERATURES.length;
  for (const k of KNN_SWEEP_K) {
    for (const temperature of KNN_SWEEP_TEMPERATURES) {
      cells.push({ k, temperature, ...(await knnAccuracy(train, test, { k, temperature, classCount })) });
      onCell?.(cells.length, total);
    }
  }
  return cells;
}
