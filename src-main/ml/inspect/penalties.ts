import type { MatrixView } from '@shared/inspect';
import { matrixFactors, viewColumns } from './factors';
import { symmetricGram } from './gram';
import { offDiagonalPenalty } from './matrix';
import type { SnapshotData } from './snapshot-data';

/**
 * The exact (b = 1) off-diagonal penalty of a d x d view, sum_{i != j} phi_q(M_ij), without
 * forming M. For q = 2 and n well below d it goes through the n x n Grams of the samples:
 * ||X^T Y||_F^2 = sum_{s,t} (X X^T)_st (Y Y^T)_st, minus the diagonal, 2 n^2 d instead of d^2 n
 * multiply-adds (1/8 of the work at n = 512, d = 8192). Otherwise (q = 1, or n close to d)
 * one pass of the GEMM-reduce kernel over M.
 */

export type LossFamily = 'bt' | 'vicreg';

/** The Gram route pays when 2 n^2 d < n d^2 / 2 (a symmetric M is reduced over half). */
function gramRoutePays(n: number, d: number): boolean {
  return 4 * n < d;
}

/** X (n x d, sample-major) with X^T Y = M: centred and scaled as the view's factors. */
function sampleMajor(
  z: Float32Array,
  n: number,
  d: number,
  mean: Float64Array,
  scale: Float64Array,
): Float32Array {
  const out = new Float32Array(n * d);
  for (let s = 0; s < n; s++) {
    const row = s * d;
    for (let j = 0; j < d; j++) out[row + j] = (z[row + j]! - mean[j]!) * scale[j]!;
  }
  return out;
}

/** sum_{i != j} M_ij^2 through the sample Grams (float64 sums of the float32 Gram entries). */
async function squaredOffDiagonalByGrams(
  data: SnapshotData,
  view: MatrixView,
  signal?: AbortSignal,
): Promise<number> {
  const { n, d } = data;
  const columns = viewColumns(data, view);
  const x = sampleMajor(columns.left, n, d, columns.leftMean, columns.leftScale);
  const y = columns.symmetric ? x : sampleMajor(columns.right, n, d, columns.rightMean, columns.rightScale);
  const gx = await symmetricGram({ rows: n, n: d, data: x }, signal);
  const gy = y === x ? gx : await symmetricGram({ rows: n, n: d, data: y }, signal);
  let frobenius = 0;
  for (let k = 0; k < n * n; k++) frobenius += gx[k]! * gy[k]!;
  const entries = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    const row = s * d;
    for (let j = 0; j < d; j++) entries[j]! += x[row + j]! * y[row + j]!;
  }
  let diagonal = 0;
  for (let j = 0; j < d; j++) diagonal += entries[j]! * entries[j]!;
  return frobenius - diagonal;
}

/**
 * Sums already computed per snapshot (the metrics derivation and the summary panel both need
 * the exact penalty, about half a second at n = 512, d = 8192). Only finished values are kept:
 * a cancelled computation is simply redone.
 */
const computed = new WeakMap<SnapshotData, Map<string, number>>();

/** sum_{i != j} phi_q(M_ij) of a view (order does not matter: the sum is permutation-invariant). */
export async function viewPenalty(
  data: SnapshotData,
  view: MatrixView,
  q: 1 | 2,
  signal?: AbortSignal,
): Promise<number> {
  const key = `${view}:${q}`;
  const known = computed.get(data)?.get(key);
  if (known !== undefined) return known;
  const value = await computeViewPenalty(data, view, q, signal);
  let entries = computed.get(data);
  if (!entries) computed.set(data, (entries = new Map()));
  entries.set(key, value);
  return value;
}

async function computeViewPenalty(
  data: SnapshotData,
  view: MatrixView,
  q: 1 | 2,
  signal?: AbortSignal,
): Promise<number> {
  const { n, d } = data;
  if (d < 2) return 0;
  if (q === 2 && gramRoutePays(n, d)) return squaredOffDiagonalByGrams(data, view, signal);
  const all = { start: 0, end: d };
  const { left, right } = matrixFactors(data, view, 'original', all, all);
  return offDiagonalPenalty(left, right, view !== 'cross', q, signal);
}

/**
 * The loss's off-diagonal term with b = 1 for one matrix view: BT sum_{i != j} phi_q(C_ij);
 * VICReg 2 / (d (d - 1)) sum_{i != j} phi_q(K_ij) (Cov~ at b = 1, spec section 6).
 */
export async function exactPenalty(
  data: SnapshotData,
  family: LossFamily,
  view: MatrixView,
  q: 1 | 2,
  signal?: AbortSignal,
): Promise<number> {
  const expected = family === 'bt' ? ['cross'] : ['cov1', 'cov2'];
  if (!expected.includes(view))
    throw new Error(
      `inspector: the ${family.toUpperCase()}-family penalty is of ${expected.join(' or ')}, not '${view}'`,
    );
  const { d } = data;
  if (d < 2) return 0;
  const sum = await viewPenalty(data, view, q, signal);
  return family === 'bt' ? sum : (2 / (d * (d - 1))) * sum;
}
