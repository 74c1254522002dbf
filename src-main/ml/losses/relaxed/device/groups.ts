import * as tf from '@tensorflow/tfjs';
import type { GroupLayout } from '../layout';
import type { RelaxedDeviceKernels } from './ops';

/**
 * Spectra of the feature groups of two [N, d] views (spec section 4 steps 3-4, section 6):
 * columns permuted (new j = old permutation[j], the same for both views), zero-padded on the
 * right to G b, each group's length-b row transformed. The two real views travel as the real
 * and imaginary parts of one complex signal, so one FFT of N G rows serves both; the pair
 * kernels' twoRealSpectra separates them. Returns [N, G, b, 2] for each view.
 */
export function groupSpectra(
  first: tf.Tensor2D,
  second: tf.Tensor2D,
  layout: GroupLayout,
  permutation: Int32Array | null,
  kernels: RelaxedDeviceKernels,
): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const rows = first.shape[0];
    const { groups, blockSize, d } = layout;
    let signal: tf.Tensor = tf.stack([first, second], 2);
    if (permutation) signal = tf.gather(signal, tf.tensor1d(permutation, 'int32'), 1);
    if (groups * blockSize > d)
      signal = tf.pad(signal, [
        [0, 0],
        [0, groups * blockSize - d],
        [0, 0],
      ]);
    const spectra = kernels.fft(signal.reshape([rows, groups, blockSize, 2]), false);
    return [kernels.twoRealSpectra(spectra, 'real'), kernels.twoRealSpectra(spectra, 'imaginary')];
  });
}
