import * as tf from '@tensorflow/tfjs';

/**
 * Squared Frobenius norms of d x d products. The value is formed from the d x d matrix, as the
 * reference implementations do. The gradients use the n x n Gram matrices instead (for the
 * views' N rows): a (a^T b) = (a a^T) b, which is exact, costs O(N^2 d) instead of O(N d^2), and
 * keeps no d x d matrix for the backward pass (at d = 8192 each one is 256 MiB of the 4 GiB wasm
 * heap). Transposes are explicit: on wasm a matMul with transposeA/transposeB leaves XNNPACK for
 * a ~40x slower loop.
 */

/** ||a^T b||_F^2 for a, b [N, d]; d/da = 2 b (a^T b)^T = 2 (b b^T) a, d/db = 2 a (a^T b) = 2 (a a^T) b. */
export const crossProductSquaredNorm = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.tidy(() => squaredNorm(tf.matMul(tf.transpose(a), b))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
      const factor = tf.mul(dy, 2);
      return [
        tf.mul(factor, tf.matMul(rowGram(savedB), savedA)),
        tf.mul(factor, tf.matMul(rowGram(savedA), savedB)),
      ];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;

/** ||a^T a||_F^2 for a [N, d]; d/da = 4 a (a^T a) = 4 (a a^T) a. */
export const gramSquaredNorm = tf.customGrad((...args) => {
  const [a, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  save([a]);
  return {
    value: tf.tidy(() => squaredNorm(tf.matMul(tf.transpose(a), a))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA] = saved as [tf.Tensor2D];
      return tf.mul(tf.mul(dy, 4), tf.matMul(rowGram(savedA), savedA));
    },
  };
}) as (a: tf.Tensor2D) => tf.Scalar;

/** a a^T, [N, N]. */
function rowGram(a: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, tf.transpose(a));
}

/** Sum of squares, row sums first (float32 accumulation error grows with the count). */
function squaredNorm(m: tf.Tensor): tf.Scalar {
  return tf.sum(tf.sum(tf.square(m), 1));
}
