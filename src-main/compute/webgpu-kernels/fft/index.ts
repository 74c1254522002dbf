import * as tf from '@tensorflow/tfjs';

// TEMPORARY (this session): an O(b^2) DFT by matrix product with the same contract, so the loss
// work can start; the Stockham WGSL kernels replace the body of fftWebGpu.

function dftMatrix(b: number, inverse: boolean): tf.Tensor2D {
  // [2b, 2b] real form of the complex DFT, angles in float64
  const m = new Float32Array(4 * b * b);
  const sign = inverse ? 1 : -1;
  for (let j = 0; j < b; j++)
    for (let k = 0; k < b; k++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % b)) / b;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      // y_k = sum_j x_j w_jk: [re_j, im_j] -> [re_k, im_k]
      m[(2 * j) * 2 * b + 2 * k] = c;
      m[(2 * j) * 2 * b + 2 * k + 1] = s;
      m[(2 * j + 1) * 2 * b + 2 * k] = -s;
      m[(2 * j + 1) * 2 * b + 2 * k + 1] = c;
    }
  return tf.tensor2d(m, [2 * b, 2 * b]);
}

/**
 * Complex FFT of length b along the second-to-last axis of `x` ([..., b, 2], float32, (re, im)
 * interleaved), unnormalised in both directions: forward y_k = sum_j x_j e^{-2 pi i jk / b},
 * inverse with e^{+...} and no 1/b. Differentiable: the gradient of each direction is the other
 * direction applied to dy (the DFT matrix's adjoint). Any b >= 1.
 */
export function fftWebGpu(x: tf.Tensor, inverse: boolean): tf.Tensor {
  const op = tf.customGrad((input) => {
    const value = transform(input as tf.Tensor, inverse);
    return { value, gradFunc: (dy: tf.Tensor) => transform(dy, !inverse) };
  });
  return op(x) as tf.Tensor;
}

function transform(x: tf.Tensor, inverse: boolean): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const b = shape[shape.length - 2]!;
    const flat = x.reshape([-1, 2 * b]);
    return tf.matMul(flat, dftMatrix(b, inverse)).reshape(shape);
  });
}
