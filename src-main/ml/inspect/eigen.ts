/**
 * Eigenvalues of a real symmetric matrix in float64: Householder reduction to tridiagonal
 * form, then the implicit QL method with Wilkinson-style shifts (Numerical Recipes tred2 +
 * tqli, eigenvalues only). O(4/3 m^3) for the reduction; the QL sweeps are O(m^2).
 * The inspector's matrices are at most a few thousand wide (the n x n Gram of a probe batch).
 */

/**
 * Eigenvalues of the symmetric m x m matrix `a` (row-major; only the lower triangle is read),
 * largest first. `a` is overwritten.
 */
export function symmetricEigenvalues(a: Float64Array, m: number): Float64Array {
  if (a.length !== m * m) throw new Error(`symmetricEigenvalues: expected ${m * m} values, got ${a.length}`);
  const diagonal = new Float64Array(m);
  const off = new Float64Array(m);
  tridiagonalize(a, m, diagonal, off);
  tridiagonalEigenvalues(diagonal, off);
  return diagonal.sort().reverse();
}

/**
 * Householder reduction A -> Q^T A Q = tridiagonal(diagonal, off), off[i] coupling i - 1 and i
 * (off[0] = 0). Works on the lower triangle, row by row, so every inner loop is contiguous.
 * Each step's rank-2 update is fused with the next step's product A u: one pass over the
 * triangle per step instead of two (the triangle of a 512-wide matrix does not stay in L2).
 * The product's row sums are split in two chains (they would bound the loop by the latency of
 * dependent additions), so the rounding differs from a plain loop in the last bits only.
 * Self-contained (no module-level helpers): eigen-pool.ts runs its source text in threads.
 */
export function tridiagonalize(a: Float64Array, m: number, diagonal: Float64Array, off: Float64Array): void {
  let u = new Float64Array(m);
  let p = new Float64Array(m);
  let nextU = new Float64Array(m);
  let nextP = new Float64Array(m);
  /**
   * The Householder vector of row i (into `target`, k <= i - 1) and off[i]; returns h, or 0
   * when nothing is left to annihilate (the step is skipped).
   */
  const reflect = (i: number, target: Float64Array): number => {
    const l = i - 1;
    const rowI = i * m;
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(a[rowI + k]!);
    if (l === 0 || scale === 0) {
      off[i] = a[rowI + l]!;
      return 0;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const value = a[rowI + k]! / scale;
      target[k] = value;
      h += value * value;
    }
    const f = target[l]!;
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    off[i] = scale * g;
    target[l] = f - g;
    return h - f * g;
  };
  // h of step i when its u and p = A u were prepared by the previous step's pass, else -1
  let prepared = -1;
  for (let i = m - 1; i >= 1; i--) {
    const l = i - 1;
    let h = prepared;
    prepared = -1;
    if (h < 0) {
      h = reflect(i, u);
      if (h === 0) continue;
      // p = A u with A the leading (l + 1) x (l + 1) block, from its lower triangle
      p.fill(0, 0, l + 1);
      for (let j = 0; j <= l; j++) {
        const row = j * m;
        const uj = u[j]!;
        let sum = 0;
        for (let k = 0; k < j; k++) {
          const value = a[row + k]!;
          sum += value * u[k]!;
          p[k]! += value * uj;
        }
        p[j]! += sum + a[row + j]! * uj;
      }
    } else if (h === 0) continue;
    let dot = 0;
    for (let j = 0; j <= l; j++) {
      p[j]! /= h;
      dot += u[j]! * p[j]!;
    }
    const half = dot / (h + h);
    // q = p - half u; A -= u q^T + q u^T (lower triangle), row l first: it gives the next u
    for (let j = 0; j <= l; j++) p[j]! -= half * u[j]!;
    const rowL = l * m;
    for (let k = 0; k <= l; k++) a[rowL + k]! -= u[l]! * p[k]! + p[l]! * u[k]!;
    const nextH = l >= 1 ? reflect(l, nextU) : 0;
    if (nextH === 0) {
      for (let j = 0; j < l; j++) {
        const row = j * m;
        const uj = u[j]!;
        const qj = p[j]!;
        for (let k = 0; k <= j; k++) a[row + k]! -= uj * p[k]! + qj * u[k]!;
      }
      prepared = 0;
      continue;
    }
    // rows 0..l-1: update, and accumulate the next step's product with the updated values
    nextP.fill(0, 0, l);
    for (let j = 0; j < l; j++) {
      const row = j * m;
      const uj = u[j]!;
      const qj = p[j]!;
      const vj = nextU[j]!;
      // two partial sums: one chain of dependent additions would bound the loop by their latency
      let even = 0;
      let odd = 0;
      let k = 0;
      for (; k + 1 < j; k += 2) {
        const first = a[row + k]! - (uj * p[k]! + qj * u[k]!);
        const second = a[row + k + 1]! - (uj * p[k + 1]! + qj * u[k + 1]!);
        a[row + k] = first;
        a[row + k + 1] = second;
        even += first * nextU[k]!;
        odd += second * nextU[k + 1]!;
        nextP[k]! += first * vj;
        nextP[k + 1]! += second * vj;
      }
      for (; k < j; k++) {
        const value = a[row + k]! - (uj * p[k]! + qj * u[k]!);
        a[row + k] = value;
        even += value * nextU[k]!;
        nextP[k]! += value * vj;
      }
      const value = a[row + j]! - (uj * p[j]! + qj * u[j]!);
      a[row + j] = value;
      nextP[j]! += even + odd + value * vj;
    }
    prepared = nextH;
    [u, nextU] = [nextU, u];
    [p, nextP] = [nextP, p];
  }
  off[0] = 0;
  for (let i = 0; i < m; i++) diagonal[i] = a[i * m + i]!;
}

/**
 * Implicit QL on a symmetric tridiagonal matrix: diagonal (in, eigenvalues out, unordered)
 * and off[i] coupling i - 1 and i (off[0] ignored; destroyed).
 */
export function tridiagonalEigenvalues(diagonal: Float64Array, off: Float64Array): void {
  const d = diagonal;
  const m = d.length;
  const e = new Float64Array(m);
  for (let i = 1; i < m; i++) e[i - 1] = off[i]!;
  for (let l = 0; l < m; l++) {
    let iterations = 0;
    for (;;) {
      let split = l;
      for (; split < m - 1; split++) {
        const size = Math.abs(d[split]!) + Math.abs(d[split + 1]!);
        if (Math.abs(e[split]!) <= Number.EPSILON * size) break;
      }
      if (split === l) break;
      if (++iterations > 60) throw new Error('symmetricEigenvalues: QL did not converge');
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[split]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let underflow = false;
      for (let i = split - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // recover from underflow: the matrix splits here
          d[i + 1]! -= p;
          e[split] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l]! -= p;
      e[l] = g;
      e[split] = 0;
    }
  }
}
