import * as tf from '@tensorflow/tfjs';
import { bluesteinFft } from './bluestein';
import { stockhamRadices, type FftSign } from './plan';
import { stockhamFft } from './stockham';

/**
 * The WebGPU FFT family: WGSL programs run through tfjs-backend-webgpu's runWebGPUProgram, with
 * every constant computed in float64 on the host (plan.ts). Lengths whose prime factors are all
 * 2, 3, 5, 7 take the mixed-radix Stockham passes (stockham.ts); any other length Bluestein's
 * chirp-z over a power of two (bluestein.ts). Needs the webgpu backend to be the current one.
 */

/**
 * Complex FFT of length b along the second-to-last axis of `x` ([..., b, 2], float32, (re, im)
 * interleaved), unnormalised in both directions: forward y_k = sum_j x_j e^{-2 pi i jk / b},
 * inverse with e^{+...} and no 1/b. Differentiable: the gradient of each direction is the other
 * direction applied to dy (the DFT matrix's adjoint). Any b >= 1; O(b log b) per row.
 */
export function fftWebGpu(x: tf.Tensor, inverse: boolean): tf.Tensor {
  const op = tf.customGrad((input) => {
    const value = transform(input as tf.Tensor, inverse);
    return { value, gradFunc: (dy: tf.Tensor) => transform(dy, !inverse) };
  });
  return op(x) as tf.Tensor;
}

function transform(x: tf.Tensor, inverse: boolean): tf.Tensor {
  const shape = x.shape;
  const b = shape[shape.length - 2];
  if (x.dtype !== 'float32' || shape.length < 2 || shape[shape.length - 1] !== 2 || !b)
    throw new Error(
      `fftWebGpu: x must be float32 of shape [..., b, 2] with b >= 1, got ${x.dtype} [${shape.join(', ')}]`,
    );
  if (tf.getBackend() !== 'webgpu')
    throw new Error(`fftWebGpu: runs on the webgpu backend, the current one is ${tf.getBackend()}`);
  if (b === 1 || x.size === 0) return x.clone();
  const sign: FftSign = inverse ? 1 : -1;
  return tf.tidy(() => {
    const rows = x.reshape([-1, 2 * b]) as tf.Tensor2D;
    const y = stockhamRadices(b) ? stockhamFft(rows, sign) : bluesteinFft(rows, sign);
    return y.reshape(shape);
  });
}
