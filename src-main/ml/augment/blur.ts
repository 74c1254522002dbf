import * as tf from '@tensorflow/tfjs';

/**
 * Radius of the blur kernel for the largest sigma: 3 sigma holds 99.7% of a Gaussian's mass.
 * Reflect padding needs radius < side, so 1-pixel images get 0 (no blur).
 */
export function blurRadius(maxSigma: number, height: number, width: number): number {
  return Math.max(0, Math.min(Math.ceil(3 * maxSigma), height - 1, width - 1));
}

/** A normalised 1-D Gaussian of length 2r+1; sigma 0 gives the identity (a single 1 in the middle). */
export function gaussianKernel(sigma: number, radius: number): Float32Array {
  const kernel = new Float32Array(2 * radius + 1);
  if (sigma <= 0) {
    kernel[radius] = 1;
    return kernel;
  }
  let total = 0;
  for (let t = -radius; t <= radius; t++) {
    const value = Math.exp(-(t * t) / (2 * sigma * sigma));
    kernel[t + radius] = value;
    total += value;
  }
  return kernel.map((value) => value / total);
}

/**
 * Separable Gaussian blur of `pixels` [B, H, W, C] with one kernel per image (`sigmas[b]`, 0 = leave
 * the image as it is), reflect-padded like torchvision. The batch is moved into the channel axis so a
 * single depthwise convolution per direction gives every image its own kernel; depthwise conv, mirror
 * pad and transpose are standard kernels on every backend, XNNPACK-backed on wasm.
 */
export function gaussianBlur(pixels: tf.Tensor4D, sigmas: Float32Array, radius: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = pixels.shape;
    const size = 2 * radius + 1;
    // Filter layout [size, channels of input (= B*C), multiplier 1], image b's kernel on its C channels.
    const taps = new Float32Array(size * batch * channels);
    for (let b = 0; b < batch; b++) {
      const kernel = gaussianKernel(sigmas[b]!, radius);
      for (let t = 0; t < size; t++)
        for (let c = 0; c < channels; c++) taps[t * batch * channels + b * channels + c] = kernel[t]!;
    }
    const stacked = pixels.transpose([1, 2, 0, 3]).reshape([1, height, width, batch * channels]);
    const padded = tf.mirrorPad(
      stacked as tf.Tensor4D,
      [
        [0, 0],
        [radius, radius],
        [radius, radius],
        [0, 0],
      ],
      'reflect',
    );
    const vertical = tf.depthwiseConv2d(
      padded,
      tf.tensor4d(taps, [size, 1, batch * channels, 1]),
      1,
      'valid',
    );
    const blurred = tf.depthwiseConv2d(
      vertical,
      tf.tensor4d(taps, [1, size, batch * channels, 1]),
      1,
      'valid',
    );
    return blurred.reshape([height, width, batch, channels]).transpose([2, 0, 1, 3]) as tf.Tensor4D;
  });
}
