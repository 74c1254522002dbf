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
  const acc = new Float64Array(2 * G * G);
  for (let f = 0; f < bins; f++) {
    acc.fill(0);
    for (let n = 0; n < rows; n++) {
      const base = 2 * (f * rows + n) * G;
      for (let g = 0; g < G; g++) {
        const xr = x[base + 2 * g]!;
        const xi = x[base + 2 * g + 1]!;
        const row = 2 * g * G;
        for (let h = upperOnly ? g : 0; h < G; h++) {
          const yr = y[base + 2 * h]!;
          const yi = y[base + 2 * h + 1]!;
          acc[row + 2 * h]! += xr * yr + xi * yi;
          acc[row + 2 * h + 1]! += xr * yi - xi * yr;
        }
      }
    }
    for (let pair = 0; pair < G * G; pair++) {
      out[2 * (pair * bins + f)] = acc[2 * pair]!;
      out[2 * (pair * bins + f) + 1] = acc[2 * pair + 1]!;
    }
  }
  return out;
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
