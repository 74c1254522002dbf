import * as tf from '@tensorflow/tfjs';
import type { PairWeights } from '../summaries';
import type { RelaxedDeviceKernels } from './ops';

/**
 * The relaxed penalty from the pair spectra R ([G, G, b, 2], see ops.ts), spec sections 4-6:
 * r_gh = norm_gh * Re(ifft(R_gh)) / b (the circular cross-correlation of the pair),
 * penalty = sum over pairs of weight_gh * sum_k phi_q(r_gh[k]), lag 0 of diagonal blocks
 * excluded. Pairs of weight 0 (VICReg-style: g > h) are left out before the inverse transform.
 * The same math as summaries.ts on the host; autodiff gives spec section 11's gradient.
 */
export function summaryPenalty(
  cross: tf.Tensor,
  weights: PairWeights,
  q: 1 | 2,
  kernels: RelaxedDeviceKernels,
): tf.Scalar {
  return tf.tidy(() => {
    const { groups: G, blockSize: b } = weights;
    const pairs: number[] = [];
    for (let pair = 0; pair < G * G; pair++) if (weights.weight[pair] !== 0) pairs.push(pair);
    let data = cross.reshape([G * G, b, 2]);
    if (pairs.length < G * G) data = tf.gather(data, tf.tensor1d(pairs, 'int32'), 0);
    const correlation = tf.slice(kernels.fft(data, true), [0, 0, 0], [pairs.length, b, 1]);
    const norm = new Float32Array(pairs.length);
    const mask = new Float32Array(pairs.length * b);
    pairs.forEach((pair, i) => {
      norm[i] = weights.norm[pair]! / b;
      mask.fill(weights.weight[pair]!, i * b, (i + 1) * b);
      if (Math.floor(pair / G) === pair % G) mask[i * b] = 0;
    });
    const r = tf.mul(correlation.reshape([pairs.length, b]), tf.tensor2d(norm, [pairs.length, 1]));
    const phi = q === 1 ? tf.abs(r) : tf.square(r);
    return tf.sum(tf.mul(phi, tf.tensor2d(mask, [pairs.length, b]))) as tf.Scalar;
  });
}
