import * as tf from '@tensorflow/tfjs';
import { SeedSequence } from './initializers';
import { convolutionBlock, globalAveragePool } from './layers';

export interface SmallCnnOptions {
  /** [height, width, channels] of the input images, e.g. [28, 28, 1]. */
  inputShape: [number, number, number];
  /** Filters of the three 3x3 blocks; the last is the feature width. Default 32, 64, 128. */
  widths?: [number, number, number];
  seed: number;
}

/**
 * The small CNN for 28x28 (or any small) images: three conv3x3-BN-ReLU blocks with a 2x2
 * max-pool after the first two, then global average pooling to a feature vector.
 * 28x28x1 -> 28x28x32 -> 14x14x64 -> 7x7x128 -> 128 (93,248 trainable parameters at 1 channel).
 * It matches the 3-layer CNN 32-64-128 of the PyTorch reference benchmark (issue 4, point 10).
 */
export function createSmallCnn(options: SmallCnnOptions): tf.LayersModel {
  const [height, width] = options.inputShape;
  if (Math.min(height, width) < 4) {
    throw new Error(
      `createSmallCnn: inputShape must be at least 4x4 for its two 2x2 pools, got ${options.inputShape.join('x')}`,
    );
  }
  const seeds = new SeedSequence(options.seed);
  const widths = options.widths ?? [32, 64, 128];
  const input = tf.input({ shape: options.inputShape, name: 'images' });
  let x = input;
  widths.forEach((filters, index) => {
    x = convolutionBlock(x, { filters, kernelSize: 3, name: `block${index + 1}`, seeds });
    if (index < widths.length - 1) {
      x = tf.layers
        .maxPooling2d({ poolSize: 2, strides: 2, name: `block${index + 1}.pool` })
        .apply(x) as tf.SymbolicTensor;
    }
  });
  const features = globalAveragePool(x, 'pool');
  return tf.model({ inputs: input, outputs: features, name: 'small-cnn' });
}
