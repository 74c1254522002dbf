/**
 * Mixed-radix Stockham (self-sorting) complex DFT on interleaved float64 data.
 *
 * Stage with radix p on the remaining length n (stride s, m = n / p), as in Van Loan,
 * "Computational Frameworks for the FFT" (1992), section 1.7:
 *   dst[k + s (p q + t)] = w_n^(q t) * sum_r src[k + s (q + r m)] * w_p^(r t),  w_N = exp(-2 pi i / N).
 * Natural order in and out, no bit reversal; radices 4, 2, 3, 5 have hand-written
 * butterflies and any other factor uses a direct p-point DFT (lengths with a large prime
 * factor go through Bluestein instead, see plan.ts). A radix-8 stage was measured slower in
 * V8 (register spills), so powers of two use radix 4 and at most one radix 2. For b = d a
 * power of two the losses use the 4-row WebAssembly SIMD transforms of wasm/ instead.
 */

interface Stage {
  radix: number;
  /** Remaining length before this stage. */
  length: number;
  /** Product of the radices of the previous stages. */
  stride: number;
  /** Twiddles w_length^(q t), t = 1..radix-1, interleaved (re, im), q-major. */
  twiddles: Float64Array;
}

/** Splits `length` into the radices the stages use: 4s first, then 2, 3, 5 and the rest. */
export function factorize(length: number): number[] {
  const factors: number[] = [];
  let rest = length;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  for (let p = 7; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

export class StockhamFft {
  readonly length: number;
  /** Write the input here (2 * length numbers, re/im interleaved); it is overwritten. */
  readonly input: Float64Array;
  private readonly other: Float64Array;
  private readonly stages: Stage[];
  private readonly scratch: Float64Array;

  constructor(length: number) {
    if (!Number.isInteger(length) || length < 1)
      throw new Error(`fft: length must be a positive integer, got ${length}`);
    this.length = length;
    this.input = new Float64Array(2 * length);
    this.other = new Float64Array(2 * length);
    this.stages = [];
    let remaining = length;
    let stride = 1;
    let largest = 1;
    for (const radix of factorize(length)) {
      const m = remaining / radix;
      const twiddles = new Float64Array(2 * m * (radix - 1));
      for (let q = 0; q < m; q++) {
        for (let t = 1; t < radix; t++) {
          const angle = (-2 * Math.PI * ((q * t) % remaining)) / remaining;
          const at = 2 * (q * (radix - 1) + t - 1);
          twiddles[at] = Math.cos(angle);
          twiddles[at + 1] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, length: remaining, stride, twiddles });
      largest = Math.max(largest, radix);
      remaining = m;
      stride *= radix;
    }
    this.scratch = new Float64Array(4 * largest);
  }

  /** Forward DFT (unnormalised, exp(-2 pi i j k / L)) of `input`; returns the buffer holding the result. */
  execute(): Float64Array {
    let source = this.input;
    let target = this.other;
    for (const stage of this.stages) {
      switch (stage.radix) {
        case 4:
          radix4(stage, source, target);
          break;
        case 2:
          radix2(stage, source, target);
          break;
        case 3:
          radix3(stage, source, target);
          break;
        case 5:
          radix5(stage, source, target);
          break;
        default:
          radixGeneric(stage, source, target, this.scratch);
      }
      const swap = source;
      source = target;
      target = swap;
    }
    return source;
  }
}

function radix4(stage: Stage, x: Float64Array, y: Float64Array): void {
  const s = stage.stride;
  const m = stage.length / 4;
  const tw = stage.twiddles;
  const sm2 = 2 * s * m;
  const s2 = 2 * s;
  for (let q = 0; q < m; q++) {
    const w1r = tw[6 * q]!;
    const w1i = tw[6 * q + 1]!;
    const w2r = tw[6 * q + 2]!;
    const w2i = tw[6 * q + 3]!;
    const w3r = tw[6 * q + 4]!;
    const w3i = tw[6 * q + 5]!;
    const inBase = 2 * s * q;
    const outBase = 8 * s * q;
    for (let k = 0; k < s2; k += 2) {
      const a = inBase + k;
      const b = a + sm2;
      const c = b + sm2;
      const d = c + sm2;
      const ar = x[a]!;
      const ai = x[a + 1]!;
      const br = x[b]!;
      const bi = x[b + 1]!;
      const cr = x[c]!;
      const ci = x[c + 1]!;
      const dr = x[d]!;
      const di = x[d + 1]!;
      const t0r = ar + cr;
      const t0i = ai + ci;
      const t1r = ar - cr;
      const t1i = ai - ci;
      const t2r = br + dr;
      const t2i = bi + di;
      const t3r = br - dr;
      const t3i = bi - di;
      const u1r = t1r + t3i;
      const u1i = t1i - t3r;
      const u2r = t0r - t2r;
      const u2i = t0i - t2i;
      const u3r = t1r - t3i;
      const u3i = t1i + t3r;
      const o = outBase + k;
      y[o] = t0r + t2r;
      y[o + 1] = t0i + t2i;
      y[o + s2] = u1r * w1r - u1i * w1i;
      y[o + s2 + 1] = u1r * w1i + u1i * w1r;
      y[o + 2 * s2] = u2r * w2r - u2i * w2i;
      y[o + 2 * s2 + 1] = u2r * w2i + u2i * w2r;
      y[o + 3 * s2] = u3r * w3r - u3i * w3i;
      y[o + 3 * s2 + 1] = u3r * w3i + u3i * w3r;
    }
  }
}

function radix2(stage: Stage, x: Float64Array, y: Float64Array): void {
  const s = stage.stride;
  const m = stage.length / 2;
  const tw = stage.twiddles;
  const sm2 = 2 * s * m;
  const s2 = 2 * s;
  for (let q = 0; q < m; q++) {
    const wr = tw[2 * q]!;
    const wi = tw[2 * q + 1]!;
    const inBase = 2 * s * q;
    const outBase = 4 * s * q;
    for (let k = 0; k < s2; k += 2) {
      const a = inBase + k;
      const b = a + sm2;
      const ar = x[a]!;
      const ai = x[a + 1]!;
      const br = x[b]!;
      const bi = x[b + 1]!;
      const o = outBase + k;
      y[o] = ar + br;
      y[o + 1] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      y[o + s2] = dr * wr - di * wi;
      y[o + s2 + 1] = dr * wi + di * wr;
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function radix3(stage: Stage, x: Float64Array, y: Float64Array): void {
  const s = stage.stride;
  const m = stage.length / 3;
  const tw = stage.twiddles;
  const sm2 = 2 * s * m;
  const s2 = 2 * s;
  for (let q = 0; q < m; q++) {
    const w1r = tw[4 * q]!;
    const w1i = tw[4 * q + 1]!;
    const w2r = tw[4 * q + 2]!;
    const w2i = tw[4 * q + 3]!;
    const inBase = 2 * s * q;
    const outBase = 6 * s * q;
    for (let k = 0; k < s2; k += 2) {
      const a = inBase + k;
      const b = a + sm2;
      const c = b + sm2;
      const x0r = x[a]!;
      const x0i = x[a + 1]!;
      const sr = x[b]! + x[c]!;
      const si = x[b + 1]! + x[c + 1]!;
      const dr = (x[b]! - x[c]!) * SIN_60;
      const di = (x[b + 1]! - x[c + 1]!) * SIN_60;
      const hr = x0r - 0.5 * sr;
      const hi = x0i - 0.5 * si;
      // y1 = h - i d, y2 = h + i d
      const y1r = hr + di;
      const y1i = hi - dr;
      const y2r = hr - di;
      const y2i = hi + dr;
      const o = outBase + k;
      y[o] = x0r + sr;
      y[o + 1] = x0i + si;
      y[o + s2] = y1r * w1r - y1i * w1i;
      y[o + s2 + 1] = y1r * w1i + y1i * w1r;
      y[o + 2 * s2] = y2r * w2r - y2i * w2i;
      y[o + 2 * s2 + 1] = y2r * w2i + y2i * w2r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function radix5(stage: Stage, x: Float64Array, y: Float64Array): void {
  const s = stage.stride;
  const m = stage.length / 5;
  const tw = stage.twiddles;
  const sm2 = 2 * s * m;
  const s2 = 2 * s;
  for (let q = 0; q < m; q++) {
    const tq = 8 * q;
    const inBase = 2 * s * q;
    const outBase = 10 * s * q;
    for (let k = 0; k < s2; k += 2) {
      const i0 = inBase + k;
      const i1 = i0 + sm2;
      const i2 = i1 + sm2;
      const i3 = i2 + sm2;
      const i4 = i3 + sm2;
      const x0r = x[i0]!;
      const x0i = x[i0 + 1]!;
      const a1r = x[i1]! + x[i4]!;
      const a1i = x[i1 + 1]! + x[i4 + 1]!;
      const a2r = x[i2]! + x[i3]!;
      const a2i = x[i2 + 1]! + x[i3 + 1]!;
      const b1r = x[i1]! - x[i4]!;
      const b1i = x[i1 + 1]! - x[i4 + 1]!;
      const b2r = x[i2]! - x[i3]!;
      const b2i = x[i2 + 1]! - x[i3 + 1]!;
      const t1r = x0r + C1 * a1r + C2 * a2r;
      const t1i = x0i + C1 * a1i + C2 * a2i;
      const t2r = x0r + C2 * a1r + C1 * a2r;
      const t2i = x0i + C2 * a1i + C1 * a2i;
      const u1r = S1 * b1r + S2 * b2r;
      const u1i = S1 * b1i + S2 * b2i;
      const u2r = S2 * b1r - S1 * b2r;
      const u2i = S2 * b1i - S1 * b2i;
      const o = outBase + k;
      y[o] = x0r + a1r + a2r;
      y[o + 1] = x0i + a1i + a2i;
      // y1 = t1 - i u1, y4 = t1 + i u1, y2 = t2 - i u2, y3 = t2 + i u2, each times its twiddle
      twiddle(y, o + s2, t1r + u1i, t1i - u1r, tw[tq]!, tw[tq + 1]!);
      twiddle(y, o + 2 * s2, t2r + u2i, t2i - u2r, tw[tq + 2]!, tw[tq + 3]!);
      twiddle(y, o + 3 * s2, t2r - u2i, t2i + u2r, tw[tq + 4]!, tw[tq + 5]!);
      twiddle(y, o + 4 * s2, t1r - u1i, t1i + u1r, tw[tq + 6]!, tw[tq + 7]!);
    }
  }
}

function twiddle(y: Float64Array, at: number, re: number, im: number, wr: number, wi: number): void {
  y[at] = re * wr - im * wi;
  y[at + 1] = re * wi + im * wr;
}

/** Any radix p by a direct p-point DFT (p^2 work per butterfly; used for small odd primes). */
function radixGeneric(stage: Stage, x: Float64Array, y: Float64Array, scratch: Float64Array): void {
  const p = stage.radix;
  const s = stage.stride;
  const m = stage.length / p;
  const tw = stage.twiddles;
  const sm2 = 2 * s * m;
  const s2 = 2 * s;
  // roots of unity w_p^j live after the gathered inputs in the scratch buffer
  const roots = 2 * p;
  for (let j = 0; j < p; j++) {
    scratch[roots + 2 * j] = Math.cos((-2 * Math.PI * j) / p);
    scratch[roots + 2 * j + 1] = Math.sin((-2 * Math.PI * j) / p);
  }
  for (let q = 0; q < m; q++) {
    const inBase = 2 * s * q;
    const outBase = 2 * s * p * q;
    for (let k = 0; k < s2; k += 2) {
      for (let r = 0; r < p; r++) {
        scratch[2 * r] = x[inBase + k + r * sm2]!;
        scratch[2 * r + 1] = x[inBase + k + r * sm2 + 1]!;
      }
      for (let t = 0; t < p; t++) {
        let accR = 0;
        let accI = 0;
        let index = 0;
        for (let r = 0; r < p; r++) {
          const wr = scratch[roots + 2 * index]!;
          const wi = scratch[roots + 2 * index + 1]!;
          const vr = scratch[2 * r]!;
          const vi = scratch[2 * r + 1]!;
          accR += vr * wr - vi * wi;
          accI += vr * wi + vi * wr;
          index += t;
          if (index >= p) index -= p;
        }
        const o = outBase + k + t * s2;
        if (t === 0) {
          y[o] = accR;
          y[o + 1] = accI;
        } else {
          const at = 2 * (q * (p - 1) + t - 1);
          twiddle(y, o, accR, accI, tw[at]!, tw[at + 1]!);
        }
      }
    }
  }
}
