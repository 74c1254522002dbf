import * as tf from '@tensorflow/tfjs';
import { centerColumns, columnMean } from '../../standardize';

/**
 * BatchNorm1d(affine=False) in training mode, (z - mean) / sqrt(var + eps) with the biased
 * variance, as batchStandardize in ../../standardize.ts, but with the closed-form backward of
 * spec section 11, dZ = (dA - mean_n dA - A mean_n(dA A)) / sigma: 7 ops instead of the ~25 the
 * stock autodiff records, two of them reductions over the batch axis, which are the slowest
 * kernels of the device loss on webgpu.
 */
export function standardizeColumns(z: tf.Tensor2D, eps = 1e-5): tf.Tensor2D {
  const op = tf.customGrad((...args) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const centred = centerColumns(input);
    const invStd = tf.rsqrt(tf.add(columnMean(tf.square(centred)), eps));
    const a = tf.mul(centred, invStd);
    save([a, invStd]);
    return {
      value: a,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sInvStd] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dA = dy as tf.Tensor2D;
        const slope = columnMean(tf.mul(dA, sa) as tf.Tensor2D);
        return tf.mul(tf.sub(tf.sub(dA, columnMean(dA)), tf.mul(sa, slope)), sInvStd);
      },
    };
  });
  return op(z) as tf.Tensor2D;
}

/**
 * z - mean_n z, as centerColumns in ../../standardize.ts, with the closed-form backward
 * dZ = dZc - mean_n dZc (no reduction over the batch axis in the recorded graph).
 */
export function centreColumns(z: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((input) => ({
    value: centerColumns(input as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor) => centerColumns(dy as tf.Tensor2D),
  }));
  return op(z) as tf.Tensor2D;
}
