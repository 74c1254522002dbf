import * as tf from '@tensorflow/tfjs';

export interface MlpEncoderOptions {
  inputShape: [number, number, number];
  backboneHiddenDim: number;
  featureDim: number;
  projectorHiddenDim: number;
  projectorOutputDim: number;
  seed: number;
}

/** A backbone (whose features are evaluated) and a projector (whose output the loss sees). */
export interface Encoder {
  backbone: tf.LayersModel;
  projector: tf.LayersModel;
}

/**
 * The foundation's small model: an MLP backbone and the paper's projector shape
 * Linear-BN-ReLU-Linear-BN-ReLU-Linear (spec section 8), seeded for reproducibility.
 */
export function createMlpEncoder(options: MlpEncoderOptions): Encoder {
  let seed = options.seed;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const backbone = tf.sequential({
    name: 'backbone',
    layers: [
      tf.layers.flatten({ inputShape: options.inputShape }),
      tf.layers.dense({ units: options.backboneHiddenDim, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ units: options.featureDim, activation: 'relu', kernelInitializer: init() }),
    ],
  });
  const projector = tf.sequential({
    name: 'projector',
    layers: [
      tf.layers.dense({
        inputShape: [options.featureDim],
        units: options.projectorHiddenDim,
        kernelInitializer: init(),
      }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.dense({ units: options.projectorHiddenDim, kernelInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.dense({ units: options.projectorOutputDim, kernelInitializer: init() }),
    ],
  });
  return { backbone, projector };
}

/** Projector output for a batch, with batch-norm in training mode. */
export function embed(encoder: Encoder, images: tf.Tensor4D, training: boolean): tf.Tensor2D {
  const features = encoder.backbone.apply(images, { training }) as tf.Tensor;
  return encoder.projector.apply(features, { training }) as tf.Tensor2D;
}
