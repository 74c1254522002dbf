/**
 * The pair stage: for every bin f, products of the N x G spectrum matrices, i.e. each pair
 * of groups is summarised with one pass over the samples and no transform (the authors'
 * code re-gathers and re-transforms every pair). O(N G^2 b) = O(N d^2 / b).
 * Layouts: spectra (f, n, g) as in spectra.ts; per-pair data R[(g G + h) F + f];
 * per-bin matrices W[(f G + g) G + h]; all complex, interleaved (re, im).
 */

/**
 * R_gh[f] = sum_n conj(X[f, n, g]) Y[f, n, h] for all ordered pairs, or only g <= h when
 * `upperOnly` (for X = Y the lower triangle is the conjugate).
 */
export function pairCrossSpectra(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  groups: number,
  bins: number,
  upperOnly: boolean,
): Float64Array {
  const G = groups;
  const out = new Float64Array(2 * G * G * bins);
  // one bin's N x G matrices group-major (samples contiguous) so the pair loops stream memory
  const xt = new Float64Array(2 * rows * G);
  const yt = x === y ? xt : new Float64Array(2 * rows * G);
  const transpose = (source: Float32Array, target: Float64Array, first: number) => {
    for (let n = 0; n < rows; n++)
      for (let g = 0; g < G; g++) {
        target[2 * (g * rows + n)] = source[first + 2 * (n * G + g)]!;
        target[2 * (g * rows + n) + 1] = source[first + 2 * (n * G + g) + 1]!;
      }
  };
  for (let f = 0; f < bins; f++) {
    const first = 2 * f * rows * G;
    transpose(x, xt, first);
    if (yt !== xt) transpose(y, yt, first);
    // 2 x 2 pairs at a time with the sums in locals: each sample's 4 complex values feed 4
    // pairs, no accumulator array traffic (half the CPU time in V8). The sums still run over
    // n in order with the same terms, so R is bit for bit that of the one-pair-at-a-time loop.
    for (let g = 0; g < G; g += 2) {
      const g1 = g + 1 < G ? g + 1 : g;
      for (let h = upperOnly ? g : 0; h < G; h += 2) {
        const h1 = h + 1 < G ? h + 1 : h;
        let r00 = 0, i00 = 0, r01 = 0, i01 = 0, r10 = 0, i10 = 0, r11 = 0, i11 = 0; // prettier-ignore
        const a = 2 * g * rows;
        const b = 2 * g1 * rows;
        const c = 2 * h * rows;
        const d = 2 * h1 * rows;
        for (let k = 0; k < 2 * rows; k += 2) {
          const ar = xt[a + k]!;
          const ai = xt[a + k + 1]!;
          const br = xt[b + k]!;
          const bi = xt[b + k + 1]!;
          const cr = yt[c + k]!;
          const ci = yt[c + k + 1]!;
          const dr = yt[d + k]!;
          const di = yt[d + k + 1]!;
          r00 += ar * cr + ai * ci;
          i00 += ar * ci - ai * cr;
          r01 += ar * dr + ai * di;
          i01 += ar * di - ai * dr;
          r10 += br * cr + bi * ci;
          i10 += br * ci - bi * cr;
          r11 += br * dr + bi * di;
          i11 += br * di - bi * dr;
        }
        putPair(out, G, bins, f, upperOnly, g, h, r00, i00);
        if (h1 !== h) putPair(out, G, bins, f, upperOnly, g, h1, r01, i01);
        if (g1 !== g) putPair(out, G, bins, f, upperOnly, g1, h, r10, i10);
        if (g1 !== g && h1 !== h) putPair(out, G, bins, f, upperOnly, g1, h1, r11, i11);
      }
    }
  }
  return out;
}

/** R_ab[f] = re + i im, except lower pairs when only g <= h are computed (left 0). */
function putPair(
  out: Float64Array,
  G: number,
  bins: number,
  f: number,
  upperOnly: boolean,
  a: number,
  b: number,
  re: number,
  im: number,
): void {
  if (upperOnly && b < a) return;
  const at = 2 * ((a * G + b) * bins + f);
  out[at] = re;
  out[at + 1] = im;
}

/**
 * Gradient of the pair summaries for two different arrays (BT-style), in place:
 * dX[f, n, g] = sum_h conj(W_f[g, h]) Y[f, n, h],  dY[f, n, h] = sum_g W_f[g, h] X[f, n, g].
 */
export function applyCrossGradient(
  x: Float32Array,
  y: Float32Array,
  rows: number,
  groups: number,
  bins: number,
  w: Float64Array,
): void {
  const G = groups;
  const gx = new Float64Array(2 * G);
  const gy = new Float64Array(2 * G);
  for (let f = 0; f < bins; f++) {
    const wBase = 2 * f * G * G;
    for (let n = 0; n < rows; n++) {
      const base = 2 * (f * rows + n) * G;
      gx.fill(0);
      gy.fill(0);
      for (let g = 0; g < G; g++) {
        const xr = x[base + 2 * g]!;
        const xi = x[base + 2 * g + 1]!;
        let accR = 0;
        let accI = 0;
        const row = wBase + 2 * g * G;
        for (let h = 0; h < G; h++) {
          const wr = w[row + 2 * h]!;
          const wi = w[row + 2 * h + 1]!;
          const yr = y[base + 2 * h]!;
          const yi = y[base + 2 * h + 1]!;
          accR += wr * yr + wi * yi;
          accI += wr * yi - wi * yr;
          gy[2 * h]! += wr * xr - wi * xi;
          gy[2 * h + 1]! += wr * xi + wi * xr;
        }
        gx[2 * g] = accR;
        gx[2 * g + 1] = accI;
      }
      for (let i = 0; i < 2 * G; i++) {
        x[base + i] = gx[i]!;
        y[base + i] = gy[i]!;
      }
    }
  }
}

/**
 * Gradient of the pair summaries of one array with itself (VICReg-style, pairs g <= h in W),
 * in place: dX[f, n, :] = M_f X[f, n, :] with M[g][h] = conj(W[g, h]), M[h][g] = W[g, h]
 * for g < h, and M[g][g] = 2 Re W[g, g].
 */
export function applyAutoGradient(
  x: Float32Array,
  rows: number,
  groups: number,
  bins: number,
  w: Float64Array,
): void {
  const G = groups;
  const m = new Float64Array(2 * G * G);
  const gx = new Float64Array(2 * G);
  for (let f = 0; f < bins; f++) {
    const wBase = 2 * f * G * G;
    for (let g = 0; g < G; g++) {
      const diagonal = wBase + 2 * (g * G + g);
      m[2 * (g * G + g)] = 2 * w[diagonal]!;
      m[2 * (g * G + g) + 1] = 0;
      for (let h = g + 1; h < G; h++) {
        const at = wBase + 2 * (g * G + h);
        m[2 * (g * G + h)] = w[at]!;
        m[2 * (g * G + h) + 1] = -w[at + 1]!;
        m[2 * (h * G + g)] = w[at]!;
        m[2 * (h * G + g) + 1] = w[at + 1]!;
      }
    }
    for (let n = 0; n < rows; n++) {
      const base = 2 * (f * rows + n) * G;
      for (let g = 0; g < G; g++) {
        let accR = 0;
        let accI = 0;
        const row = 2 * g * G;
        for (let h = 0; h < G; h++) {
          const mr = m[row + 2 * h]!;
          const mi = m[row + 2 * h + 1]!;
          const vr = x[base + 2 * h]!;
          const vi = x[base + 2 * h + 1]!;
          accR += mr * vr - mi * vi;
          accI += mr * vi + mi * vr;
        }
        gx[2 * g] = accR;
        gx[2 * g + 1] = accI;
      }
      for (let i = 0; i < 2 * G; i++) x[base + i] = gx[i]!;
    }
  }
}
