import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './batch-norm';
import { convolutionInitializer, type SeedSequence } from './initializers';
import { Relu } from './relu';

type Symbolic = tf.SymbolicTensor;

export interface ConvolutionOptions {
  filters: number;
  kernelSize: number;
  strides?: number;
  name: string;
  seeds: SeedSequence;
}

/**
 * A bias-free convolution padded like PyTorch (`padding = kernelSize // 2` on every side).
 * tfjs 'same' pads the same way at stride 1, but at stride 2 it pads only the bottom/right of
 * even-sized inputs, which shifts every window; so strided convolutions get an explicit
 * ZeroPadding2D and 'valid'.
 */
export function convolution(x: Symbolic, options: ConvolutionOptions): Symbolic {
  const strides = options.strides ?? 1;
  const padding = Math.floor(options.kernelSize / 2);
  let input = x;
  if (strides > 1 && padding > 0) {
    input = tf.layers.zeroPadding2d({ padding, name: `${options.name}.pad` }).apply(x) as Symbolic;
  }
  return tf.layers
    .conv2d({
      filters: options.filters,
      kernelSize: options.kernelSize,
      strides,
      padding: strides > 1 ? 'valid' : 'same',
      useBias: false,
      kernelInitializer: convolutionInitializer(options.seeds, options.kernelSize, options.filters),
      name: options.name,
    })
    .apply(input) as Symbolic;
}

/** Batch normalisation with PyTorch's defaults (gamma 1, beta 0, momentum 0.1, eps 1e-5). */
export function batchNorm(x: Symbolic, name: string): Symbolic {
  return new BatchNorm({ name }).apply(x) as Symbolic;
}

/** ReLU (the lean-gradient drop-in for tfjs-layers' `ReLU`). */
export function relu(x: Symbolic, name: string): Symbolic {
  return new Relu({ name }).apply(x) as Symbolic;
}

/** Convolution, batch norm, ReLU: the unit every backbone here is made of. */
export function convolutionBlock(x: Symbolic, options: ConvolutionOptions): Symbolic {
  const convolved = convolution(x, { ...options, name: `${options.name}.conv` });
  return relu(batchNorm(convolved, `${options.name}.bn`), `${options.name}.relu`);
}

/** 3x3 max-pool with stride 2 and PyTorch's padding 1 (zero padding is exact after a ReLU). */
export function maxPoolStem(x: Symbolic, name: string): Symbolic {
  const padded = tf.layers.zeroPadding2d({ padding: 1, name: `${name}.pad` }).apply(x) as Symbolic;
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name })
    .apply(padded) as Symbolic;
}

export function globalAveragePool(x: Symbolic, name: string): Symbolic {
  return tf.layers.globalAveragePooling2d({ name }).apply(x) as Symbolic;
}
