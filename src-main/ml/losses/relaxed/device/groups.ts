import * as tf from '@tensorflow/tfjs';
import type { GroupLayout } from '../layout';
import type { RelaxedDeviceKernels } from './ops';

/**
 * Spectra of the feature groups of one or more [N, d] views (spec section 4 steps 3-4, section
 * 6): columns permuted (new j = old permutation[j], the same for every view), zero-padded on
 * the right to G b, each group's length-b row transformed as a complex signal with imaginary
 * part 0. All views go through one transform call. Returns one [N, G, b, 2] per view.
 */
export function groupSpectra(
  views: tf.Tensor2D[],
  layout: GroupLayout,
  permutation: Int32Array | null,
  kernels: RelaxedDeviceKernels,
): tf.Tensor[] {
  return tf.tidy(() => {
    const rows = views[0]!.shape[0];
    const { groups, blockSize, d } = layout;
    let stacked: tf.Tensor2D = views.length === 1 ? views[0]! : tf.concat(views, 0);
    if (permutation) stacked = tf.gather(stacked, tf.tensor1d(permutation, 'int32'), 1);
    // [V N, d, 1] -> [V N, G b, 2]: padding columns and the imaginary part in one op
    const signal = tf
      .pad(tf.expandDims(stacked, 2), [
        [0, 0],
        [0, groups * blockSize - d],
        [0, 1],
      ])
      .reshape([views.length * rows, groups, blockSize, 2]);
    const spectra = kernels.fft(signal, false);
    return views.length === 1 ? [spectra] : tf.split(spectra, views.length, 0);
  });
}
