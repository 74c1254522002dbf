/** Float64 reference DFT of every row of interleaved (re, im) data, O(b^2) with exact angle reduction. */
export function referenceDft(x: Float32Array | Float64Array, b: number, inverse: boolean): Float64Array {
  const rows = x.length / (2 * b);
  const y = new Float64Array(x.length);
  const sign = inverse ? 1 : -1;
  const cos = new Float64Array(b);
  const sin = new Float64Array(b);
  for (let n = 0; n < b; n++) {
    cos[n] = Math.cos((2 * Math.PI * n) / b);
    sin[n] = sign * Math.sin((2 * Math.PI * n) / b);
  }
  for (let row = 0; row < rows; row++) {
    const at = 2 * b * row;
    for (let k = 0; k < b; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0, n = 0; j < b; j++, n = n + k >= b ? n + k - b : n + k) {
        const xr = x[at + 2 * j]!;
        const xi = x[at + 2 * j + 1]!;
        re += xr * cos[n]! - xi * sin[n]!;
        im += xr * sin[n]! + xi * cos[n]!;
      }
      y[at + 2 * k] = re;
      y[at + 2 * k + 1] = im;
    }
  }
  return y;
}

/** max |a - b| / (||x||_2 per row, at least 1): the error a float32 FFT makes is bounded by this. */
export function relativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  input: ArrayLike<number>,
  b: number,
): number {
  const rows = input.length / (2 * b);
  let worst = 0;
  for (let row = 0; row < rows; row++) {
    let norm = 0;
    for (let i = 2 * b * row; i < 2 * b * (row + 1); i++) norm += input[i]! * input[i]!;
    const scale = Math.max(Math.sqrt(norm), 1e-30);
    for (let i = 2 * b * row; i < 2 * b * (row + 1); i++)
      worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  }
  return worst;
}

/** Deterministic uniform numbers in [-1, 1) (mulberry32), so a failure repeats. */
export function randomValues(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}
