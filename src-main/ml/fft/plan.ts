import { StockhamFft, factorize } from './stockham';

/**
 * A reusable forward complex DFT of one length: write 2 * length interleaved (re, im)
 * numbers into `input`, call `execute()`, read the result from the returned buffer
 * (owned by the plan, valid until the next call; `input` is overwritten).
 * The inverse is `conj(execute(conj(x))) / length`, which callers fold into their
 * loads and stores.
 */
export interface FftPlan {
  readonly length: number;
  readonly input: Float64Array;
  execute(): Float64Array;
}

/** Prime factors above this go through Bluestein's algorithm instead of a direct p-point DFT. */
const LARGEST_DIRECT_RADIX = 31;

/**
 * Bluestein's chirp-z transform: a DFT of any length L as a circular convolution of length
 * M >= 2L - 1 (a power of two), so lengths with large prime factors stay O(L log L).
 */
class BluesteinFft implements FftPlan {
  readonly length: number;
  readonly input: Float64Array;
  private readonly output: Float64Array;
  private readonly chirp: Float64Array;
  private readonly kernelSpectrum: Float64Array;
  private readonly inner: StockhamFft;

  constructor(length: number) {
    this.length = length;
    this.input = new Float64Array(2 * length);
    this.output = new Float64Array(2 * length);
    let size = 1;
    while (size < 2 * length - 1) size *= 2;
    this.inner = new StockhamFft(size);
    // chirp w_j = exp(-i pi j^2 / L); j^2 is reduced mod 2L first to keep the angle small.
    this.chirp = new Float64Array(2 * length);
    for (let j = 0; j < length; j++) {
      const angle = (-Math.PI * ((j * j) % (2 * length))) / length;
      this.chirp[2 * j] = Math.cos(angle);
      this.chirp[2 * j + 1] = Math.sin(angle);
    }
    const kernel = this.inner.input;
    kernel.fill(0);
    for (let j = 0; j < length; j++) {
      const re = this.chirp[2 * j]!;
      const im = -this.chirp[2 * j + 1]!;
      kernel[2 * j] = re;
      kernel[2 * j + 1] = im;
      if (j > 0) {
        kernel[2 * (size - j)] = re;
        kernel[2 * (size - j) + 1] = im;
      }
    }
    this.kernelSpectrum = Float64Array.from(this.inner.execute());
  }

  execute(): Float64Array {
    const size = this.inner.length;
    const a = this.inner.input;
    const x = this.input;
    const w = this.chirp;
    for (let j = 0; j < this.length; j++) {
      const xr = x[2 * j]!;
      const xi = x[2 * j + 1]!;
      const wr = w[2 * j]!;
      const wi = w[2 * j + 1]!;
      a[2 * j] = xr * wr - xi * wi;
      a[2 * j + 1] = xr * wi + xi * wr;
    }
    a.fill(0, 2 * this.length);
    const spectrum = this.inner.execute();
    // multiply by the kernel spectrum and conjugate, so the next forward DFT is an inverse
    const k = this.kernelSpectrum;
    for (let f = 0; f < size; f++) {
      const sr = spectrum[2 * f]!;
      const si = spectrum[2 * f + 1]!;
      const kr = k[2 * f]!;
      const ki = k[2 * f + 1]!;
      a[2 * f] = sr * kr - si * ki;
      a[2 * f + 1] = -(sr * ki + si * kr);
    }
    const convolution = this.inner.execute();
    const out = this.output;
    for (let j = 0; j < this.length; j++) {
      const cr = convolution[2 * j]! / size;
      const ci = -convolution[2 * j + 1]! / size;
      const wr = w[2 * j]!;
      const wi = w[2 * j + 1]!;
      out[2 * j] = cr * wr - ci * wi;
      out[2 * j + 1] = cr * wi + ci * wr;
    }
    return out;
  }
}

/** A plan for `length`: mixed-radix Stockham, or Bluestein when a prime factor is large. */
export function createFftPlan(length: number): FftPlan {
  if (!Number.isInteger(length) || length < 1)
    throw new Error(`fft: length must be a positive integer, got ${length}`);
  const largest = Math.max(1, ...factorize(length));
  return largest > LARGEST_DIRECT_RADIX ? new BluesteinFft(length) : new StockhamFft(length);
}

const cache = new Map<number, FftPlan>();
const CACHE_LIMIT = 8;

/**
 * A cached plan (twiddles are the costly part to build). Plans hold mutable buffers, so
 * a caller must finish with one before asking for the same length again re-entrantly.
 */
export function getFftPlan(length: number): FftPlan {
  let plan = cache.get(length);
  if (plan) {
    cache.delete(length);
  } else {
    plan = createFftPlan(length);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(length, plan);
  return plan;
}
