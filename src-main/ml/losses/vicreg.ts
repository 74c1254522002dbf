import * as tf from '@tensorflow/tfjs';
import { checkFiniteNonNegative, checkViews } from './checks';
import { gramSquaredNorm } from './gram';
import { centerColumns, columnMean } from './standardize';
import type { LossOutput } from './types';

export interface VicregOptions {
  /** Weight w_s of the invariance (MSE) term (default 25). */
  simWeight?: number;
  /** Weight w_v of the variance hinge terms (default 25). */
  varWeight?: number;
  /** Weight w_c of the covariance terms (default 1). */
  covWeight?: number;
}

/** epsilon inside the square root of the unbiased variance (solo-learn `variance_loss`). */
const VARIANCE_EPS = 1e-4;

/**
 * VICReg, exact (solo-learn `vicreg_loss_func`, spec section 3):
 * w_s * inv + w_v * (V(Z1) + V(Z2)) + w_c * (Cov(Z1) + Cov(Z2)) with inv the MSE between the
 * views, V(Z) = mean_j max(0, 1 - sqrt(var_j + 1e-4)) (unbiased var) and
 * Cov(Z) = sum_{i != j} K_ij^2 / d, K = Zc^T Zc / (N - 1).
 * z1, z2: [N, d], N >= 2. Terms: invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2.
 */
export function vicregLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: VicregOptions = {}): LossOutput {
  const loss = 'vicreg';
  const [rows, d] = checkViews(loss, z1, z2);
  const simWeight = options.simWeight ?? 25;
  const varWeight = options.varWeight ?? 25;
  const covWeight = options.covWeight ?? 1;
  checkFiniteNonNegative(loss, 'simWeight', simWeight);
  checkFiniteNonNegative(loss, 'varWeight', varWeight);
  checkFiniteNonNegative(loss, 'covWeight', covWeight);
  return tf.tidy(() => {
    const invariance = tf.mean(tf.squaredDifference(z1, z2)) as tf.Scalar;
    const [varianceZ1, covarianceZ1] = varianceAndCovariance(z1, rows, d);
    const [varianceZ2, covarianceZ2] = varianceAndCovariance(z2, rows, d);
    const total = tf.addN([
      tf.mul(simWeight, invariance),
      tf.mul(varWeight, tf.add(varianceZ1, varianceZ2)),
      tf.mul(covWeight, tf.add(covarianceZ1, covarianceZ2)),
    ]) as tf.Scalar;
    return { loss: total, terms: { invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2 } };
  });
}

/** [V(Z), Cov(Z)] of one view. */
function varianceAndCovariance(z: tf.Tensor2D, rows: number, d: number): [tf.Scalar, tf.Scalar] {
  const centred = centerColumns(z);
  const variance = tf.mul(columnMean(tf.square(centred)), rows / (rows - 1));
  const std = tf.sqrt(tf.add(variance, VARIANCE_EPS));
  const hinge = tf.mean(tf.relu(tf.sub(1, std))) as tf.Scalar;
  const offDiagonal = tf.sub(tf.div(gramSquaredNorm(centred), (rows - 1) ** 2), tf.sum(tf.square(variance)));
  return [hinge, tf.div(offDiagonal, d) as tf.Scalar];
}
