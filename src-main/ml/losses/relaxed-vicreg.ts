import * as tf from '@tensorflow/tfjs';
import { checkFiniteNonNegative, checkFinitePositive, checkRelaxedArguments, checkViews } from './checks';
import { relaxedDeviceKernels } from './relaxed/device/ops';
import { relaxedVicregDevice } from './relaxed/device/vicreg-device';
import { hostLoss } from './relaxed/host-op';
import { relaxedVicregKernel } from './relaxed/vicreg-kernel';
import type { LossOutput } from './types';

export interface RelaxedVicregOptions {
  /** Weight w_s of the invariance (MSE) term (default 25). */
  simWeight?: number;
  /** Weight w_v of the variance hinge terms (default 25). */
  varWeight?: number;
  /** Weight w_c of the relaxed covariance terms (default 1). */
  covWeight?: number;
  /** Overall scale s (default 1). */
  scale?: number;
  /** Exponent q of the penalty on the summaries: 1 (|r|) or 2 (r^2, default). */
  q?: number;
  /** Block size b, 1 <= b <= d (default d: one group, the O(N d log d) form). */
  blockSize?: number;
  /** Feature permutation (new column j = old column permutation[j]); null = identity. */
  permutation?: Int32Array | null;
}

/**
 * The VICReg-style relaxed loss sVICReg (`svicreg_loss_func` of the authors' code, spec
 * section 5): s * (w_s inv + w_v (V(Z1) + V(Z2)) + w_c (Cov~(Z1) + Cov~(Z2))), where Cov~
 * penalises the wrapped-diagonal summaries of the G x G blocks of each view's (permuted)
 * covariance, normalised by the block width, diagonal blocks averaged over G and upper
 * off-diagonal blocks over G (G - 1) / 2 (doubled). Any 1 <= b <= d works.
 * z1, z2: [N, d], N >= 2. Terms: invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2.
 */
export function relaxedVicregLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: RelaxedVicregOptions = {},
): LossOutput {
  const loss = 'fft-vicreg';
  const [rows, d] = checkViews(loss, z1, z2);
  const simWeight = options.simWeight ?? 25;
  const varWeight = options.varWeight ?? 25;
  const covWeight = options.covWeight ?? 1;
  const scale = options.scale ?? 1;
  checkFiniteNonNegative(loss, 'simWeight', simWeight);
  checkFiniteNonNegative(loss, 'varWeight', varWeight);
  checkFiniteNonNegative(loss, 'covWeight', covWeight);
  checkFinitePositive(loss, 'scale', scale);
  const { q, blockSize, permutation } = checkRelaxedArguments(loss, d, options);
  const params = { simWeight, varWeight, covWeight, scale, q, blockSize, permutation };
  // on a backend with its own FFT and pair kernels (webgpu) the views never leave the device
  const device = relaxedDeviceKernels(tf.getBackend());
  if (device) return relaxedVicregDevice(z1, z2, params, device);
  return hostLoss(z1, z2, (a, b) => relaxedVicregKernel(a, b, rows, d, params));
}
