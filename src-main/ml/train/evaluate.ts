import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { takeFirst, type DatasetSplits } from '../data/image-dataset';
import { extractFeatures } from '../eval/features';
import { knnAccuracy, type KnnResult } from '../eval/knn';

/**
 * The model's input for uint8 pixels: scaled to [0, 1] and resized to the views' size, as the
 * model saw its views in training (used by every evaluation and export).
 */
export function modelInput(pixels: tf.Tensor4D, inputSize: number): tf.Tensor4D {
  const scaled = tf.div(pixels, 255) as tf.Tensor4D;
  return scaled.shape[1] === inputSize && scaled.shape[2] === inputSize
    ? scaled
    : tf.image.resizeBilinear(scaled, [inputSize, inputSize]);
}

/** Backbone features of the held-out split (at most `evaluation.testLimit` images), with labels. */
export function heldOutFeatures(
  backbone: tf.LayersModel,
  data: DatasetSplits,
  evaluation: RunConfig['evaluation'],
  inputSize: number,
): { features: tf.Tensor2D; labels: Uint8Array } {
  const test = takeFirst(data.test, evaluation.testLimit ?? data.test.count);
  return {
    features: extractFeatures(backbone, test, (pixels) => modelInput(pixels, inputSize)),
    labels: test.labels,
  };
}

/**
 * kNN accuracy of the backbone's held-out features `test` (from `heldOutFeatures`), with the
 * training split as the memory bank, prepared as the model sees its views.
 */
export async function evaluateKnn(
  backbone: tf.LayersModel,
  data: DatasetSplits,
  evaluation: RunConfig['evaluation'],
  inputSize: number,
  test: { features: tf.Tensor2D; labels: Uint8Array },
): Promise<KnnResult> {
  const bank = takeFirst(data.train, evaluation.bankLimit ?? data.train.count);
  const bankFeatures = extractFeatures(backbone, bank, (pixels) => modelInput(pixels, inputSize));
  try {
    return await knnAccuracy({ features: bankFeatures, labels: bank.labels }, test, {
      k: evaluation.knnK,
      temperature: evaluation.knnTemperature,
      classCount: data.classNames.length,
    });
  } finally {
    bankFeatures.dispose();
  }
}
