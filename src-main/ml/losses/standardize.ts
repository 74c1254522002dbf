import * as tf from '@tensorflow/tfjs';

/**
 * Batch statistics as tfjs ops (differentiable by the stock autodiff). Column sums go
 * through a matmul with a ones row: on wasm a reduction over axis 0 costs about as much as
 * a transpose, the matmul uses XNNPACK.
 */

/** Column means of z [N, d] as [1, d]. */
export function columnMean(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.fill([1, z.shape[0]], 1 / z.shape[0]), z));
}

/** z - mean_n z. */
export function centerColumns(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(z, columnMean(z)));
}

/**
 * BatchNorm1d(d, affine=False) in training mode (solo-learn / official BT):
 * (z - mean) / sqrt(var + eps), var biased (divided by N), eps = 1e-5.
 */
export function batchStandardize(z: tf.Tensor2D, eps = 1e-5): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = centerColumns(z);
    const variance = columnMean(tf.square(centred));
    return tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
  });
}
