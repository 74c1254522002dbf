import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../data/image-dataset';

/**
 * Backbone features of a whole split in inference mode (batch-norm uses its moving statistics),
 * batch by batch so memory stays bounded. `preprocess` turns uint8 pixels into the model's input.
 */
export function extractFeatures(
  backbone: tf.LayersModel,
  dataset: ImageDataset,
  preprocess: (pixels: tf.Tensor4D) => tf.Tensor4D,
  batchSize = 256,
  limit = dataset.count,
  onBatch?: (done: number, total: number) => void,
): tf.Tensor2D {
  const count = Math.min(limit, dataset.count);
  const pixelsPerImage = dataset.height * dataset.width * dataset.channels;
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      parts.push(
        tf.tidy(() => {
          const bytes = dataset.images.subarray(start * pixelsPerImage, (start + size) * pixelsPerImage);
          const pixels = tf.tensor4d(bytes, [size, dataset.height, dataset.width, dataset.channels], 'int32');
          const output = backbone.apply(preprocess(pixels.toFloat() as tf.Tensor4D), {
            training: false,
          }) as tf.Tensor;
          return output.reshape([size, -1]) as tf.Tensor2D;
        }),
      );
      onBatch?.(start + size, count);
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}
