import type * as tf from '@tensorflow/tfjs';

/**
 * What every loss returns: the differentiable total and its named, unscaled terms for logging
 * (BT-style: onDiagonal, offDiagonal; VICReg-style: invariance, varianceZ1, varianceZ2,
 * covarianceZ1, covarianceZ2). The terms carry no gradient.
 */
export interface LossOutput {
  loss: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

export interface LossCallOptions {
  /**
   * Feature permutation for this step (new column j = old column permutation[j]), the same
   * for both views and all terms; null or omitted = identity. Only the relaxed losses use it.
   */
  permutation?: Int32Array | null;
}

/** z1, z2: [N, d] projector outputs of the two views. */
export type LossFunction = (z1: tf.Tensor2D, z2: tf.Tensor2D, options?: LossCallOptions) => LossOutput;
