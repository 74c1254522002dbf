import * as tf from '@tensorflow/tfjs';
import { checkFiniteNonNegative, checkFinitePositive, checkRelaxedArguments, checkViews } from './checks';
import { relaxedBarlowKernel } from './relaxed/barlow-kernel';
import { relaxedBarlowDevice } from './relaxed/device/barlow-device';
import { relaxedDeviceKernels } from './relaxed/device/ops';
import { hostLoss } from './relaxed/host-op';
import type { LossOutput } from './types';

export interface RelaxedBarlowTwinsOptions {
  /** Weight of the relaxed off-diagonal term (default 0.0051). */
  lambda?: number;
  /** Overall scale s (default 0.024). */
  scale?: number;
  /** Exponent q of the penalty on the summaries: 1 (|r|) or 2 (r^2, default). */
  q?: number;
  /** Block size b, 1 <= b <= d (default d: one group, the O(N d log d) form). */
  blockSize?: number;
  /** Feature permutation (new column j = old column permutation[j]); null = identity. */
  permutation?: Int32Array | null;
}

/**
 * The BT-style relaxed loss sBT (`sbarlow_loss_func` of the authors' code, spec section 4):
 * s * (sum_j (c_j - 1)^2 + lambda * off), with c the batch cross-correlation diagonal and off
 * = sum over the G x G blocks of the (permuted) cross-correlation of phi_q of their wrapped
 * diagonal sums (lag 0 of the diagonal blocks excluded). Any 1 <= b <= d works; the last
 * group is zero-padded. Cost O(N d log b + N d^2 / b); no d x d matrix is formed.
 * z1, z2: [N, d], N >= 2. Terms: onDiagonal, offDiagonal (unscaled).
 */
export function relaxedBarlowTwinsLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: RelaxedBarlowTwinsOptions = {},
): LossOutput {
  const loss = 'fft-bt';
  const [rows, d] = checkViews(loss, z1, z2);
  const lambda = options.lambda ?? 0.0051;
  const scale = options.scale ?? 0.024;
  checkFiniteNonNegative(loss, 'lambda', lambda);
  checkFinitePositive(loss, 'scale', scale);
  const { q, blockSize, permutation } = checkRelaxedArguments(loss, d, options);
  const params = { lambda, scale, q, blockSize, permutation };
  // on a backend with its own FFT and pair kernels (webgpu) the views never leave the device
  const device = relaxedDeviceKernels(tf.getBackend());
  if (device) return relaxedBarlowDevice(z1, z2, params, device);
  return hostLoss(z1, z2, (a, b) => relaxedBarlowKernel(a, b, rows, d, params));
}
