import * as tf from '@tensorflow/tfjs';
import { extractFeatures } from '../ml/eval/features';
import { modelInput } from '../ml/train/evaluate';
import type { ImageDataset } from '../ml/data/image-dataset';
import type { Encoder } from '../ml/models/mlp-encoder';

/** Backbone features and projector outputs of a split, row i for image i. */
export interface Embeddings {
  count: number;
  /** [count, featureDim], row-major. */
  backbone: Float32Array;
  featureDim: number;
  /** [count, projectorDim], row-major. */
  projector: Float32Array;
  projectorDim: number;
  labels: Int32Array;
}

/** Projector outputs for features, batch by batch, in inference mode (batch-norm moving statistics). */
function project(projector: tf.LayersModel, features: tf.Tensor2D, batchSize: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < features.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, features.shape[0] - start);
      parts.push(
        tf.tidy(() => {
          const batch = features.slice([start, 0], [size, -1]);
          return projector.apply(batch, { training: false }) as tf.Tensor2D;
        }),
      );
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Embeddings of every image of `dataset` by the encoder in inference mode. Batches keep memory
 * bounded; only the results stay alive (as plain arrays).
 */
export async function computeEmbeddings(
  encoder: Encoder,
  dataset: ImageDataset,
  inputSize: number,
  batchSize = 256,
): Promise<Embeddings> {
  const features = extractFeatures(
    encoder.backbone,
    dataset,
    (pixels) => modelInput(pixels, inputSize),
    batchSize,
  );
  try {
    const outputs = project(encoder.projector, features, batchSize);
    try {
      return {
        count: dataset.count,
        backbone: (await features.data()) as Float32Array,
        featureDim: features.shape[1],
        projector: (await outputs.data()) as Float32Array,
        projectorDim: outputs.shape[1],
        labels: Int32Array.from(dataset.labels.subarray(0, dataset.count)),
      };
    } finally {
      outputs.dispose();
    }
  } finally {
    features.dispose();
  }
}
