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
 */
export function tridiagonalize(a: Float64Array, m: number, diagonal: Float64Array, off: Float64Array): void {
  const u = new Float64Array(m);
  const p = new Float64Array(m);
  for (let i = m - 1; i >= 1; i--) {
    const l = i - 1;
    const rowI = i * m;
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(a[rowI + k]!);
    if (l === 0 || scale === 0) {
      // nothing to annihilate left of the subdiagonal entry
      off[i] = a[rowI + l]!;
      continue;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const value = a[rowI + k]! / scale;
      u[k] = value;
      h += value * value;
    }
    const f = u[l]!;
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    off[i] = scale * g;
    h -= f * g;
    u[l] = f - g;
    // p = A u / h with A the leading (l + 1) x (l + 1) block, from its lower triangle
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
    let dot = 0;
    for (let j = 0; j <= l; j++) {
      p[j]! /= h;
      dot += u[j]! * p[j]!;
    }
    const half = dot / (h + h);
    // q = p - half u; A -= u q^T + q u^T (lower triangle)
    for (let j = 0; j <= l; j++) p[j]! -= half * u[j]!;
    for (let j = 0; j <= l; j++) {
      const row = j * m;
      const uj = u[j]!;
      const qj = p[j]!;
      for (let k = 0; k <= j; k++) a[row + k]! -= uj * p[k]! + qj * u[k]!;
    }
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
