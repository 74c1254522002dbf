import * as tf from '@tensorflow/tfjs';

export interface KnnOptions {
  /** Neighbours that vote (solo-learn and the issue: 20). */
  k: number;
  /** Temperature of the exp(similarity / T) vote weights (solo-learn: 0.07). */
  temperature: number;
  classCount: number;
  /** Test rows per similarity block: bounds memory at chunkSize x trainCount floats. */
  chunkSize?: number;
}

export interface KnnResult {
  top1: number;
  /** Only when there are at least 5 classes. */
  top5?: number;
}

/** Rows scaled to unit length (cosine similarity becomes a dot product). */
export function normalizeRows(features: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => features.div(features.square().sum(1, true).sqrt().maximum(1e-12)));
}

export function checkFeatures(name: string, features: tf.Tensor2D, labels: Int32Array | Uint8Array): void {
  if (features.rank !== 2)
    throw new Error(`knnAccuracy: ${name} features must be [N, f], got rank ${features.rank}`);
  if (features.shape[0] !== labels.length) {
    throw new Error(`knnAccuracy: ${name} has ${features.shape[0]} feature rows but ${labels.length} labels`);
  }
}

/**
 * Weighted k-nearest-neighbour classification of frozen features, as solo-learn's
 * `WeightedKNNClassifier` with cosine distance: features are L2-normalised, each test sample's k
 * most similar training samples vote for their class with weight exp(similarity / T), and
 * top-1 / top-5 accuracy is the share of test samples whose label is among the best classes.
 */
export async function knnAccuracy(
  train: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  test: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  options: KnnOptions,
): Promise<KnnResult> {
  checkFeatures('train', train.features, train.labels);
  checkFeatures('test', test.features, test.labels);
  const { classCount, temperature } = options;
  const k = Math.min(options.k, train.labels.length);
  const chunkSize = options.chunkSize ?? 256;
  const testCount = test.labels.length;
  let top1 = 0;
  let top5 = 0;
  // Transposed once and kept: every block is then a plain (fast-path) matMul.
  const trainTransposed = tf.tidy(() => tf.transpose(normalizeRows(train.features)));
  const trainLabels = tf.tensor1d(Int32Array.from(train.labels), 'int32');
  try {
    for (let start = 0; start < testCount; start += chunkSize) {
      const size = Math.min(chunkSize, testCount - start);
      const scores = tf.tidy(() => {
        const block = normalizeRows(test.features.slice([start, 0], [size, -1]));
        const similarity = tf.matMul(block, trainTransposed); // [size, trainCount]
        const { values, indices } = tf.topk(similarity, k);
        const weights = tf.exp(values.div(temperature)); // [size, k]
        const neighbourLabels = tf.gather(trainLabels, indices.reshape([-1])).reshape([size, k]);
        const votes = tf.oneHot(neighbourLabels, classCount).mul(weights.expandDims(2)); // [size, k, classes]
        return votes.sum(1) as tf.Tensor2D;
      });
      const ranked = tf.tidy(() => tf.topk(scores, Math.min(5, classCount)).indices);
      // Read asynchronously: webgpu has no synchronous read-back in Node.
      const best = (await ranked.array()) as number[][];
      tf.dispose([scores, ranked]);
      for (let row = 0; row < size; row++) {
        const label = test.labels[start + row]!;
        const order = best[row]!;
        if (order[0] === label) top1 += 1;
        if (order.includes(label)) top5 += 1;
      }
    }
  } finally {
    tf.dispose([trainTransposed, trainLabels]);
  }
  return classCount >= 5 ? { top1: top1 / testCount, top5: top5 / testCount } : { top1: top1 / testCount };
}
