import { StockhamFft } from '../../../ml/fft/stockham';

/**
 * Host-side plan of the WebGPU FFT: the factorisation into Stockham passes, every twiddle in
 * float64, and Bluestein's chirp and filter spectrum. Pure numbers, no tfjs, so it is tested
 * without a GPU; the shaders only ever see float32 roundings of these values.
 */

/** -1: forward, e^{-2 pi i jk/b}; +1: inverse (unnormalised). */
export type FftSign = -1 | 1;

/**
 * Radices with a generated butterfly, in the order the passes use them: 16s first, for the fewest
 * passes (each pass reads and writes every row once). On SwiftShader [256, 8192] took ~440 ms with
 * radix 16 (4 passes), ~570 ms with radix 8 (5) and ~950 ms with radix 4 (7).
 */
export const STOCKHAM_RADICES = [16, 8, 4, 2, 3, 5, 7] as const;

/**
 * One Stockham pass on a length-`length` row (Van Loan, Computational Frameworks for the FFT, 1.7):
 * dst[k + stride (radix q + t)] = w_L^(q t) sum_r src[k + stride (q + r span)] w_radix^(r t),
 * k < stride, q < span, L = radix span the length still to transform.
 */
export interface StockhamPass {
  radix: number;
  /** Product of the radices of the earlier passes. */
  stride: number;
  /** L / radix. */
  span: number;
  /** Where this pass's span (radix - 1) twiddles start, q-major, t = 1..radix-1. */
  twiddleOffset: number;
}

/** The radices of `length` in pass order, or null when a prime factor is above 7 (Bluestein). */
export function stockhamRadices(length: number): number[] | null {
  const radices: number[] = [];
  let rest = length;
  for (const radix of STOCKHAM_RADICES) {
    while (rest % radix === 0) {
      radices.push(radix);
      rest /= radix;
    }
  }
  return rest === 1 ? radices : null;
}

/** The passes of a length whose factors all have butterflies (throws otherwise). */
export function stockhamPasses(length: number): StockhamPass[] {
  const radices = stockhamRadices(length);
  if (!radices) throw new Error(`fft: ${length} has a prime factor above 7; use Bluestein`);
  const passes: StockhamPass[] = [];
  let stride = 1;
  let twiddleOffset = 0;
  for (const radix of radices) {
    const span = length / stride / radix;
    passes.push({ radix, stride, span, twiddleOffset });
    twiddleOffset += span * (radix - 1);
    stride *= radix;
  }
  return passes;
}

/**
 * exp(sign 2 pi i numerator / denominator) in float64 as [re, im]. The numerator is reduced
 * modulo the denominator in exact integer arithmetic (so the angle never grows), reflected into
 * the upper half (so w and its conjugate are exact negatives in the imaginary part), and quarter
 * turns are exact 0 / ±1.
 */
export function unitRoot(numerator: number, denominator: number, sign: FftSign): [number, number] {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator < 1)
    throw new Error(`unitRoot: integer ratio needed, got ${numerator}/${denominator}`);
  let r = ((numerator % denominator) + denominator) % denominator;
  let imSign: number = sign;
  if (2 * r > denominator) {
    r = denominator - r;
    imSign = -imSign;
  }
  if ((4 * r) % denominator === 0) {
    const quarter = (4 * r) / denominator; // 0, 1 or 2
    const exact: [number, number][] = [
      [1, 0],
      [0, 1],
      [-1, 0],
    ];
    const [re, im] = exact[quarter]!;
    return [re, im === 0 ? 0 : imSign * im];
  }
  const angle = (2 * Math.PI * r) / denominator;
  return [Math.cos(angle), imSign * Math.sin(angle)];
}

/** All passes' twiddles w_L^(q t), interleaved (re, im), at each pass's twiddleOffset. */
export function stockhamTwiddles(length: number, sign: FftSign): Float64Array {
  const passes = stockhamPasses(length);
  const last = passes[passes.length - 1];
  const count = last ? last.twiddleOffset + last.span * (last.radix - 1) : 0;
  const twiddles = new Float64Array(2 * count);
  for (const { radix, span, twiddleOffset } of passes) {
    const remaining = radix * span;
    for (let q = 0; q < span; q++)
      for (let t = 1; t < radix; t++) {
        const [re, im] = unitRoot(q * t, remaining, sign);
        const at = 2 * (twiddleOffset + q * (radix - 1) + t - 1);
        twiddles[at] = re;
        twiddles[at + 1] = im;
      }
  }
  return twiddles;
}

/** Bluestein's convolution length: the smallest power of two >= 2 length - 1. */
export function bluesteinSize(length: number): number {
  let size = 1;
  while (size < 2 * length - 1) size *= 2;
  return size;
}

/** The chirp c_n = exp(sign pi i n^2 / length), n < length, with n^2 reduced mod 2 length exactly. */
export function bluesteinChirp(length: number, sign: FftSign): Float64Array {
  const chirp = new Float64Array(2 * length);
  const period = 2 * length;
  for (let n = 0; n < length; n++) {
    // n < 2^26 keeps n * n exact in float64; the product of residues below is at most period^2
    const residue = ((n % period) * (n % period)) % period;
    const [re, im] = unitRoot(residue, period, sign);
    chirp[2 * n] = re;
    chirp[2 * n + 1] = im;
  }
  return chirp;
}

/**
 * FFT_M of the filter h_n = conj(c_n) (at n and M - n, zero between), divided by M so the GPU's
 * unnormalised inverse gives the circular convolution directly. X_k = c_k sum_j (x_j c_j)
 * conj(c_{k-j}) because 2jk = j^2 + k^2 - (k-j)^2.
 */
export function bluesteinFilterSpectrum(length: number, sign: FftSign): Float64Array {
  const size = bluesteinSize(length);
  const chirp = bluesteinChirp(length, sign);
  const fft = new StockhamFft(size);
  const h = fft.input;
  h.fill(0);
  for (let n = 0; n < length; n++) {
    const re = chirp[2 * n]!;
    const im = -chirp[2 * n + 1]!;
    h[2 * n] = re;
    h[2 * n + 1] = im;
    if (n > 0) {
      h[2 * (size - n)] = re;
      h[2 * (size - n) + 1] = im;
    }
  }
  const spectrum = Float64Array.from(fft.execute());
  for (let i = 0; i < spectrum.length; i++) spectrum[i] = spectrum[i]! / size;
  return spectrum;
}
