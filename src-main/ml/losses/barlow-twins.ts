import * as tf from '@tensorflow/tfjs';
import { checkFiniteNonNegative, checkFinitePositive, checkViews } from './checks';
import { crossProductSquaredNorm } from './gram';
import { batchStandardize, columnMean } from './standardize';
import type { LossOutput } from './types';

export interface BarlowTwinsOptions {
  /** Weight of the off-diagonal term (default 0.0051). */
  lambda?: number;
  /** Overall scale s (default 0.024). */
  scale?: number;
}

/**
 * Barlow Twins, exact (solo-learn `barlow_loss_func`, spec section 2): with A1, A2 the
 * batch-standardised views and C = A1^T A2 / N (d x d),
 * s * (sum_i (C_ii - 1)^2 + lambda * sum_{i != j} C_ij^2).
 * The off-diagonal sum is ||C||_F^2 - sum_i C_ii^2, so only one d x d matrix (C) is formed.
 * z1, z2: [N, d], N >= 2. Terms: onDiagonal, offDiagonal (unscaled).
 */
export function barlowTwinsLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: BarlowTwinsOptions = {},
): LossOutput {
  const loss = 'bt';
  const [rows] = checkViews(loss, z1, z2);
  const lambda = options.lambda ?? 0.0051;
  const scale = options.scale ?? 0.024;
  checkFiniteNonNegative(loss, 'lambda', lambda);
  checkFinitePositive(loss, 'scale', scale);
  return tf.tidy(() => {
    const a1 = batchStandardize(z1);
    const a2 = batchStandardize(z2);
    const diagonal = columnMean(tf.mul(a1, a2));
    const onDiagonal = tf.sum(tf.square(tf.sub(diagonal, 1))) as tf.Scalar;
    const offDiagonal = tf.sub(
      tf.div(crossProductSquaredNorm(a1, a2), rows * rows),
      tf.sum(tf.square(diagonal)),
    ) as tf.Scalar;
    const total = tf.mul(scale, tf.add(onDiagonal, tf.mul(lambda, offDiagonal))) as tf.Scalar;
    return { loss: total, terms: { onDiagonal, offDiagonal } };
  });
}
