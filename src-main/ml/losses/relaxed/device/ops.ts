import type * as tf from '@tensorflow/tfjs';

/**
 * The two device kernels the relaxed losses need beyond the stock tfjs ops. The ML core names
 * them here and the compute layer, which builds on ml, registers its implementations per
 * backend (compute/webgpu-kernels/pair-spectra/register.ts), so no import runs from ml down
 * to a backend. Both are differentiable.
 */
export interface RelaxedDeviceKernels {
  /**
   * Complex FFT of length b along the second-to-last axis of x ([..., b, 2], (re, im)),
   * unnormalised in both directions.
   */
  fft(x: tf.Tensor, inverse: boolean): tf.Tensor;
  /**
   * R[g, h, f] = sum_n conj(X[n, g, f]) Y[n, h, f] for spectra [N, G, b, 2] -> [G, G, b, 2];
   * `upperOnly`: only g <= h (the rest 0), for X = Y.
   */
  pairSpectra(x: tf.Tensor, y: tf.Tensor, upperOnly: boolean): tf.Tensor;
  /**
   * From Z = fft(u + i v) ([..., b, 2]), fft(u) ('real') or fft(v) ('imaginary'): two real
   * signals transformed by one complex FFT.
   */
  twoRealSpectra(z: tf.Tensor, which: 'real' | 'imaginary'): tf.Tensor;
}

const registered = new Map<string, RelaxedDeviceKernels>();

/** Makes the relaxed losses compute on the device when `backendName` is the current backend. */
export function registerRelaxedDeviceKernels(backendName: string, kernels: RelaxedDeviceKernels): void {
  registered.set(backendName, kernels);
}

/** The device kernels for a backend, or undefined (then the losses run their host kernels). */
export function relaxedDeviceKernels(backendName: string): RelaxedDeviceKernels | undefined {
  return registered.get(backendName);
}
