import * as tf from '@tensorflow/tfjs';

/**
 * Squared Frobenius norms of d x d products with hand-written gradients that use only
 * explicit transposes: on wasm a matMul with transposeA/transposeB leaves XNNPACK for a ~40x
 * slower loop, and the stock matMul gradient uses exactly those.
 */

/** ||a^T b||_F^2 for a, b [N, d]; d/da = 2 b M^T = 2 (M b^T)^T, d/db = 2 a M with M = a^T b. */
export const crossProductSquaredNorm = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  const bt = tf.transpose(b);
  const m = tf.matMul(tf.transpose(a), b);
  save([a, bt, m]);
  return {
    value: squaredNorm(m),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedBt, savedM] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const factor = tf.mul(dy, 2);
      return [
        tf.mul(factor, tf.transpose(tf.matMul(savedM, savedBt))),
        tf.mul(factor, tf.matMul(savedA, savedM)),
      ];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;

/** ||a^T a||_F^2 for a [N, d]; d/da = 4 a M with M = a^T a (symmetric). */
export const gramSquaredNorm = tf.customGrad((...args) => {
  const [a, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const m = tf.matMul(tf.transpose(a), a);
  save([a, m]);
  return {
    value: squaredNorm(m),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedM] = saved as [tf.Tensor2D, tf.Tensor2D];
      return tf.mul(tf.mul(dy, 4), tf.matMul(savedA, savedM));
    },
  };
}) as (a: tf.Tensor2D) => tf.Scalar;

/** Sum of squares, row sums first (float32 accumulation error grows with the count). */
function squaredNorm(m: tf.Tensor): tf.Scalar {
  return tf.sum(tf.sum(tf.square(m), 1));
}
