import * as tf from '@tensorflow/tfjs';
import { columnMean } from '../../standardize';
import type { LossOutput } from '../../types';
import type { RelaxedBarlowParams } from '../barlow-kernel';
import { groupLayout } from '../layout';
import type { PairWeights } from '../summaries';
import { groupSpectra } from './groups';
import type { RelaxedDeviceKernels } from './ops';
import { summaryPenalty } from './penalty';
import { standardizeColumns } from './standardize';

/**
 * sBT on the device (spec section 4), the same math as barlow-kernel.ts with tfjs ops and the
 * backend's FFT and pair kernels: no download of z1, z2; O(N d log b + N d^2 / b).
 * z1, z2: [N, d] (checked by the caller). Terms: onDiagonal, offDiagonal (unscaled).
 */
export function relaxedBarlowDevice(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  params: RelaxedBarlowParams,
  kernels: RelaxedDeviceKernels,
): LossOutput {
  const { lambda, scale, q, blockSize, permutation } = params;
  const [rows, d] = z1.shape;
  return tf.tidy(() => {
    const a1 = standardizeColumns(z1);
    const a2 = standardizeColumns(z2);
    const diagonal = columnMean(tf.mul(a1, a2));
    const onDiagonal = tf.sum(tf.square(tf.sub(diagonal, 1))) as tf.Scalar;
    const layout = groupLayout(d, blockSize);
    const [x, y] = groupSpectra(a1, a2, layout, permutation, kernels);
    const cross = kernels.pairSpectra(x, y, false);
    const G = layout.groups;
    const weights: PairWeights = {
      groups: G,
      blockSize,
      bins: layout.bins,
      weight: new Float64Array(G * G).fill(1),
      norm: new Float64Array(G * G).fill(1 / rows),
    };
    const offDiagonal = summaryPenalty(cross, weights, q, kernels);
    const loss = tf.mul(scale, tf.add(onDiagonal, tf.mul(lambda, offDiagonal))) as tf.Scalar;
    return { loss, terms: { onDiagonal, offDiagonal } };
  });
}
