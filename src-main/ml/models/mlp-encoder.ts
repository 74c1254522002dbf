import * as tf from '@tensorflow/tfjs';
import { linearInitializers, SeedSequence } from './initializers';
import { createProjector } from './projector';

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

export interface MlpBackboneOptions {
  inputShape: [number, number, number];
  hiddenDim: number;
  featureDim: number;
  seed: number;
}

/** Flatten - Linear - ReLU - Linear - ReLU: the foundation's small backbone. */
export function createMlpBackbone(options: MlpBackboneOptions): tf.LayersModel {
  const seeds = new SeedSequence(options.seed);
  const inputSize = options.inputShape.reduce((product, size) => product * size, 1);
  const input = tf.input({ shape: options.inputShape, name: 'images' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: options.hiddenDim,
      activation: 'relu',
      name: 'fc1',
      ...linearInitializers(seeds, inputSize),
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: options.featureDim,
      activation: 'relu',
      name: 'fc2',
      ...linearInitializers(seeds, options.hiddenDim),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'mlp' });
}

/**
 * The foundation's small model: an MLP backbone and the paper's projector
 * Linear-BN-ReLU-Linear-BN-ReLU-Linear (spec section 8), seeded for reproducibility.
 */
export function createMlpEncoder(options: MlpEncoderOptions): Encoder {
  const backbone = createMlpBackbone({
    inputShape: options.inputShape,
    hiddenDim: options.backboneHiddenDim,
    featureDim: options.featureDim,
    seed: options.seed,
  });
  const projector = createProjector({
    inputDim: options.featureDim,
    hiddenDim: options.projectorHiddenDim,
    outputDim: options.projectorOutputDim,
    seed: options.seed + 1,
  });
  return { backbone, projector };
}

/** Projector output for a batch, with batch-norm in training mode. */
export function embed(encoder: Encoder, images: tf.Tensor4D, training: boolean): tf.Tensor2D {
  const features = encoder.backbone.apply(images, { training }) as tf.Tensor;
  return encoder.projector.apply(features, { training }) as tf.Tensor2D;
}
