import type { FftPlan } from './plan';

/**
 * Real-signal transforms on top of a complex plan. Two real signals x, y of length L share
 * one complex DFT of x + i y (Hermitian symmetry separates them); the half spectrum of a
 * real signal has F = floor(L / 2) + 1 bins.
 */

/** Number of bins in the half spectrum of a real signal of length L. */
export function halfSpectrumLength(length: number): number {
  return Math.floor(length / 2) + 1;
}

/**
 * Separates Z = DFT(x + i y) (interleaved, 2L numbers) into the half spectra
 * X[f] = (Z[f] + conj Z[-f]) / 2 and Y[f] = (Z[f] - conj Z[-f]) / 2i, f = 0..F-1,
 * written to x/y at `offset + f * stride` complex positions (interleaved re, im).
 */
export function splitPairSpectrum(
  z: Float64Array,
  length: number,
  x: Float32Array,
  y: Float32Array,
  offset: number,
  stride: number,
): void {
  const bins = halfSpectrumLength(length);
  for (let f = 0; f < bins; f++) {
    const mirror = f === 0 ? 0 : length - f;
    const zr = z[2 * f]!;
    const zi = z[2 * f + 1]!;
    const wr = z[2 * mirror]!;
    const wi = z[2 * mirror + 1]!;
    const at = 2 * (offset + f * stride);
    x[at] = 0.5 * (zr + wr);
    x[at + 1] = 0.5 * (zi - wi);
    y[at] = 0.5 * (zi + wi);
    y[at + 1] = 0.5 * (wr - zr);
  }
}

/**
 * Inverse of `splitPairSpectrum`: from the half spectra of two real signals (read at
 * `offset + f * stride`), writes the conjugate of the full spectrum of x + i y into
 * `target` (2L numbers), ready for a forward DFT: then x[j] = Re(out[j]) / L and
 * y[j] = -Im(out[j]) / L.
 */
export function packPairSpectrumConjugate(
  x: Float32Array,
  y: Float32Array,
  offset: number,
  stride: number,
  length: number,
  target: Float64Array,
): void {
  const bins = halfSpectrumLength(length);
  for (let f = 0; f < bins; f++) {
    const at = 2 * (offset + f * stride);
    const xr = x[at]!;
    const xi = x[at + 1]!;
    const yr = y[at]!;
    const yi = y[at + 1]!;
    // V[f] = X + iY, conjugated
    target[2 * f] = xr - yi;
    target[2 * f + 1] = -(xi + yr);
    if (f > 0 && 2 * f !== length) {
      // V[L - f] = conj(X) + i conj(Y), conjugated
      const mirror = 2 * (length - f);
      target[mirror] = xr + yi;
      target[mirror + 1] = xi - yr;
    }
  }
}

/** Half spectrum (2F numbers) of one real signal of length `plan.length`. */
export function realForward(plan: FftPlan, signal: ArrayLike<number>, out: Float64Array): void {
  const input = plan.input;
  for (let j = 0; j < plan.length; j++) {
    input[2 * j] = signal[j]!;
    input[2 * j + 1] = 0;
  }
  const spectrum = plan.execute();
  out.set(spectrum.subarray(0, 2 * halfSpectrumLength(plan.length)));
}

/** Real signal of length `plan.length` from its half spectrum (the inverse DFT, with 1/L). */
export function realInverse(plan: FftPlan, half: Float64Array, out: Float64Array): void {
  const length = plan.length;
  const input = plan.input;
  const bins = halfSpectrumLength(length);
  for (let f = 0; f < bins; f++) {
    const re = half[2 * f]!;
    const im = half[2 * f + 1]!;
    input[2 * f] = re;
    input[2 * f + 1] = -im;
    if (f > 0 && 2 * f !== length) {
      input[2 * (length - f)] = re;
      input[2 * (length - f) + 1] = im;
    }
  }
  const result = plan.execute();
  for (let j = 0; j < length; j++) out[j] = result[2 * j]! / length;
}
