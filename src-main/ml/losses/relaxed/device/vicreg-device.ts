import * as tf from '@tensorflow/tfjs';
import { columnMean } from '../../standardize';
import type { LossOutput } from '../../types';
import { groupLayout } from '../layout';
import { vicregPairWeights, type RelaxedVicregParams } from '../vicreg-kernel';
import { groupSpectra } from './groups';
import type { RelaxedDeviceKernels } from './ops';
import { summaryPenalty } from './penalty';
import { centreColumns } from './standardize';

/** epsilon inside the square root of the unbiased variance (solo-learn `variance_loss`). */
const VARIANCE_EPS = 1e-4;

/**
 * sVICReg on the device (spec section 5), the same math as vicreg-kernel.ts with tfjs ops and
 * the backend's FFT and pair kernels (each view's spectra paired with themselves, pairs g <= h
 * only). z1, z2: [N, d] (checked by the caller).
 * Terms: invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2 (unscaled).
 */
export function relaxedVicregDevice(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  params: RelaxedVicregParams,
  kernels: RelaxedDeviceKernels,
): LossOutput {
  const { simWeight, varWeight, covWeight, scale, q, blockSize, permutation } = params;
  const [rows, d] = z1.shape;
  return tf.tidy(() => {
    const invariance = tf.mean(tf.squaredDifference(z1, z2)) as tf.Scalar;
    const c1 = centreColumns(z1);
    const c2 = centreColumns(z2);
    const varianceZ1 = varianceHinge(c1, rows);
    const varianceZ2 = varianceHinge(c2, rows);
    const layout = groupLayout(d, blockSize);
    const weights = vicregPairWeights(layout, rows);
    const [x1, x2] = groupSpectra(c1, c2, layout, permutation, kernels);
    const covarianceZ1 = summaryPenalty(kernels.pairSpectra(x1, x1, true), weights, q, kernels);
    const covarianceZ2 = summaryPenalty(kernels.pairSpectra(x2, x2, true), weights, q, kernels);
    const total = tf.addN([
      tf.mul(simWeight, invariance),
      tf.mul(varWeight, tf.add(varianceZ1, varianceZ2)),
      tf.mul(covWeight, tf.add(covarianceZ1, covarianceZ2)),
    ]);
    const loss = tf.mul(scale, total) as tf.Scalar;
    return { loss, terms: { invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2 } };
  });
}

/** V(Z) = mean_j max(0, 1 - sqrt(var_j + 1e-4)), unbiased variance, from the centred view. */
function varianceHinge(centred: tf.Tensor2D, rows: number): tf.Scalar {
  const variance = tf.mul(columnMean(tf.square(centred)), rows / (rows - 1));
  return tf.mean(tf.relu(tf.sub(1, tf.sqrt(tf.add(variance, VARIANCE_EPS))))) as tf.Scalar;
}
