import * as tf from '@tensorflow/tfjs';
import { linearInitializers, SeedSequence } from './initializers';
import { batchNorm, relu } from './layers';

export interface ProjectorOptions {
  /** Width of the backbone features, f. */
  inputDim: number;
  /** Width of the two hidden layers, h (the spec uses h = d). */
  hiddenDim: number;
  /** Embedding dimension d seen by the loss. */
  outputDim: number;
  /** Seed of the initial weights. */
  seed: number;
  /**
   * Refuse projectors with more trainable parameters than this (default 2^28, 1 GiB of float32
   * weights, ~3-4 GiB with gradients and optimizer state: the limit of the 4 GiB wasm heap).
   */
  maxParameters?: number;
}

/** Trainable parameters of Linear(f,h)-BN-ReLU-Linear(h,h)-BN-ReLU-Linear(h,d), biases included. */
export function projectorParameterCount(inputDim: number, hiddenDim: number, outputDim: number): number {
  const linear = (inputs: number, outputs: number) => inputs * outputs + outputs;
  const batchNorm = 2 * hiddenDim;
  return (
    linear(inputDim, hiddenDim) + linear(hiddenDim, hiddenDim) + linear(hiddenDim, outputDim) + 2 * batchNorm
  );
}

const DEFAULT_MAX_PARAMETERS = 2 ** 28;

/**
 * The projector of Barlow Twins, VICReg and their relaxed forms (spec section 8):
 * Linear(f->h) - BN - ReLU - Linear(h->h) - BN - ReLU - Linear(h->d), with PyTorch's
 * `nn.Linear` init and `BatchNorm1d` defaults (momentum 0.1, eps 1e-5).
 */
export function createProjector(options: ProjectorOptions): tf.LayersModel {
  const { inputDim, hiddenDim, outputDim } = options;
  for (const [name, value] of Object.entries({ inputDim, hiddenDim, outputDim })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`createProjector: ${name} must be a positive integer, got ${value}`);
    }
  }
  const parameters = projectorParameterCount(inputDim, hiddenDim, outputDim);
  const maxParameters = options.maxParameters ?? DEFAULT_MAX_PARAMETERS;
  if (parameters > maxParameters) {
    const gibibytes = ((parameters * 4) / 2 ** 30).toFixed(1);
    throw new Error(
      `createProjector: ${inputDim}->${hiddenDim}->${hiddenDim}->${outputDim} has ${parameters} parameters ` +
        `(${gibibytes} GiB of float32 weights, about 3x that with gradients and optimizer state), more than ` +
        `the limit of ${maxParameters}; use a smaller hidden width`,
    );
  }
  const seeds = new SeedSequence(options.seed);
  const dense = (units: number, fanIn: number, name: string) =>
    tf.layers.dense({ units, name, ...linearInitializers(seeds, fanIn) });
  const input = tf.input({ shape: [inputDim], name: 'features' });
  let x = dense(hiddenDim, inputDim, 'projector.0').apply(input) as tf.SymbolicTensor;
  x = batchNorm(x, 'projector.1');
  x = relu(x, 'projector.2');
  x = dense(hiddenDim, hiddenDim, 'projector.3').apply(x) as tf.SymbolicTensor;
  x = batchNorm(x, 'projector.4');
  x = relu(x, 'projector.5');
  const output = dense(outputDim, hiddenDim, 'projector.6').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'projector' });
}
