import * as tf from '@tensorflow/tfjs';

/**
 * Per-channel sums of x (channels last) scaled by `scale`, built from ops that wasm runs on
 * XNNPACK: a global average pool for images, then a [1, n] x [n, c] product. wasm reduces over
 * leading axes by first transposing with an untiled loop (55 ms for [32768, 64] where this takes
 * ~1 ms). The product is kept off full-size activations because wasm caches a packed copy of
 * a product's right operand for as long as that tensor lives (here: the whole backward pass).
 */
function channelSums(x: tf.Tensor, scale: number): tf.Tensor1D {
  const channels = x.shape[x.rank - 1] as number;
  let rows: tf.Tensor2D;
  let weight = scale;
  if (x.rank === 4) {
    const [, height, width] = x.shape as [number, number, number, number];
    const pooled = tf.avgPool(x as tf.Tensor4D, [height, width], [height, width], 'valid');
    rows = tf.reshape(pooled, [-1, channels]);
    weight *= height * width;
  } else {
    rows = tf.reshape(x, [-1, channels]);
  }
  return tf.reshape(tf.matMul(tf.fill([1, rows.shape[0]], weight), rows), [channels]);
}

/** What a training-mode batch norm produces: the output and the batch statistics it used. */
export interface BatchNormTrainingResult {
  output: tf.Tensor;
  /** Per-channel batch mean, [channels]. Owned by the caller (dispose it). */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance, [channels]. Owned by the caller (dispose it). */
  variance: tf.Tensor1D;
}

/**
 * Batch normalisation over every axis but the last, with batch statistics, as one op with a
 * hand-written gradient. The stock path (tf.moments + tf.batchNorm, as tfjs-layers does it)
 * records a dozen full-size intermediates on the tape and its FusedBatchNorm gradient tiles
 * per-channel vectors to full size; here the tape keeps only x-hat, and the backward pass is
 *
 *   dBeta = sum(dy),  dGamma = sum(dy * xHat),
 *   dx = gamma / sigma * (dy - dBeta / m - xHat * dGamma / m)      (m values per channel).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): BatchNormTrainingResult {
  const channels = x.shape[x.rank - 1] as number;
  if (x.rank < 2) throw new Error(`batchNormTraining: x must have rank >= 2, got shape [${x.shape}]`);
  if (gamma.size !== channels || beta.size !== channels) {
    throw new Error(`batchNormTraining: gamma and beta must have ${channels} values (x's last axis)`);
  }
  let statistics: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const count = input.size / channels;
    const mean = channelSums(input, 1 / count);
    const centered = tf.sub(input, mean);
    const variance = channelSums(tf.square(centered), 1 / count);
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = tf.mul(centered, inverseStd);
    statistics = [tf.keep(mean), tf.keep(variance)];
    save([normalized, inverseStd, scale]);
    const value = tf.add(tf.mul(normalized, scale), offset);
    // The tidy frees the full-size temporaries now; left to the engine they would live until
    // the whole backward pass ends.
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [xHat, invStd, savedGamma] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
        const count = xHat.size / channels;
        const dBeta = channelSums(dy, 1);
        const dGamma = channelSums(tf.mul(dy, xHat), 1);
        const centeredDy = tf.sub(dy, tf.div(dBeta, count));
        const dx = tf.mul(
          tf.sub(centeredDy, tf.mul(xHat, tf.div(dGamma, count))),
          tf.mul(savedGamma, invStd),
        );
        return [dx, dGamma, dBeta];
      });
    return { value, gradFunc };
  });
  const output = normalize(x, gamma, beta);
  const [mean, variance] = statistics as [tf.Tensor1D, tf.Tensor1D];
  return { output, mean, variance };
}
