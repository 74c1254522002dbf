import type { MatrixOrder, MatrixView } from '@shared/inspect';
import { viewStats, type ColumnStats } from '../losses/relaxed/columns';
import type { Factors } from './kernel';
import type { SnapshotData } from './snapshot-data';

/**
 * Feature-major factors of the inspector's d x d matrices: M = L R^T with row i of L (and R)
 * the n values of the i-th feature in the chosen order, centred and scaled so that one dot
 * product is one matrix entry:
 * - BT views (cross, corr1, corr2): A = (Z - mean) / sqrt(biased var + 1e-5), exactly the
 *   loss's batch standardisation, then / sqrt(N), so C = A1^T A2 / N;
 * - VICReg views (cov1, cov2): Zc = Z - mean, then / sqrt(N - 1), so K = Zc^T Zc / (N - 1).
 */

/** BatchNorm1d(affine=False) epsilon of the BT losses (relaxed/barlow-kernel.ts). */
export const BN_EPS = 1e-5;

export interface ViewColumns {
  /** The projector outputs the view reads (n x d row-major), both sides. */
  left: Float32Array;
  right: Float32Array;
  /** Per feature: what is subtracted and what the centred value is multiplied by. */
  leftMean: Float64Array;
  leftScale: Float64Array;
  rightMean: Float64Array;
  rightScale: Float64Array;
  /** The matrix is symmetric (left and right are the same view). */
  symmetric: boolean;
}

const statsCache = new WeakMap<SnapshotData, { z1: ColumnStats; z2: ColumnStats }>();

/** Column means and centred sums of squares of Z1 and Z2, with the loss's own code (cached). */
export function snapshotStats(data: SnapshotData): { z1: ColumnStats; z2: ColumnStats } {
  let stats = statsCache.get(data);
  if (!stats) {
    const both = viewStats(data.z1, data.z2, data.n, data.d);
    stats = { z1: both.z1, z2: both.z2 };
    statsCache.set(data, stats);
  }
  return stats;
}

/** 1 / sqrt(var + eps) / sqrt(N) with the biased variance, as the BT losses standardise. */
function btScale(stats: ColumnStats, n: number): Float64Array {
  const root = Math.sqrt(n);
  return stats.sumSquares.map((value) => 1 / Math.sqrt(value / n + BN_EPS) / root);
}

/** Centring and scaling of a view's two sides. */
export function viewColumns(data: SnapshotData, view: MatrixView): ViewColumns {
  const { n, d } = data;
  const stats = snapshotStats(data);
  if (view === 'cov1' || view === 'cov2') {
    if (n < 2) throw new Error('inspector: the covariance needs at least 2 probe images');
    const side = view === 'cov1' ? stats.z1 : stats.z2;
    const z = view === 'cov1' ? data.z1 : data.z2;
    return ownColumns(z, side.mean, new Float64Array(d).fill(1 / Math.sqrt(n - 1)));
  }
  const scale1 = btScale(stats.z1, n);
  const scale2 = btScale(stats.z2, n);
  if (view === 'cross') {
    return {
      left: data.z1,
      right: data.z2,
      leftMean: stats.z1.mean,
      leftScale: scale1,
      rightMean: stats.z2.mean,
      rightScale: scale2,
      symmetric: false,
    };
  }
  const one = view === 'corr1';
  const side = one ? stats.z1 : stats.z2;
  const scale = one ? scale1 : scale2;
  return ownColumns(one ? data.z1 : data.z2, side.mean, scale);
}

/** A view's own correlation or covariance: the same centred, scaled columns on both sides. */
function ownColumns(z: Float32Array, mean: Float64Array, scale: Float64Array): ViewColumns {
  return {
    left: z,
    right: z,
    leftMean: mean,
    leftScale: scale,
    rightMean: mean,
    rightScale: scale,
    symmetric: true,
  };
}

/** The feature at each position: the snapshot's permutation for 'permuted', else null (identity). */
export function featureOrder(data: SnapshotData, order: MatrixOrder): Int32Array | null {
  if (order === 'original' || !data.permutation) return null;
  if (data.permutation.length !== data.d)
    throw new Error('inspector: the permutation does not have length d');
  return data.permutation;
}

/** Rows [start, end) of a matrix side: row i holds feature order[i], filled in target at row i. */
export interface RowRange {
  start: number;
  end: number;
}

/** Features per transposed block: 32 x 32 floats stay in the first-level cache both ways. */
const BLOCK = 32;

/**
 * Writes rows `range` of one side's factor into target (rows x stride floats, row i at
 * i * stride + offset), so factors of two snapshots can share one array, concatenated along
 * n. Rows outside the range are left as they are. `sign` flips the values (difference views).
 */
export function fillFactorRows(
  target: Float32Array,
  stride: number,
  offset: number,
  z: Float32Array,
  n: number,
  d: number,
  mean: Float64Array,
  scale: Float64Array,
  order: Int32Array | null,
  range: RowRange,
  sign = 1,
): void {
  // blocked transpose: read BLOCK samples x BLOCK features of the row-major Z, write them feature-major
  for (let i0 = range.start; i0 < range.end; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, range.end);
    for (let s0 = 0; s0 < n; s0 += BLOCK) {
      const s1 = Math.min(s0 + BLOCK, n);
      for (let i = i0; i < i1; i++) {
        const feature = order ? order[i]! : i;
        const m = mean[feature]!;
        const c = sign * scale[feature]!;
        const out = i * stride + offset;
        for (let s = s0; s < s1; s++) target[out + s] = (z[s * d + feature]! - m) * c;
      }
    }
  }
}

/**
 * The left and right factors of a view over rows `rowRange` and columns `colRange` of M (the
 * other rows are zero and never read by a request on that region). With `minus`, the factors
 * of M_data - M_minus concatenated along n: [L_a | L_b] and [R_a | -R_b]; both snapshots are
 * read in this snapshot's order, so entry (i, j) compares the same two features.
 */
export function matrixFactors(
  data: SnapshotData,
  view: MatrixView,
  order: MatrixOrder,
  rowRange: RowRange,
  colRange: RowRange,
  minus: SnapshotData | null = null,
): { left: Factors; right: Factors } {
  const { d } = data;
  if (minus && minus.d !== d)
    throw new Error(`inspector: cannot subtract a snapshot of d = ${minus.d} from d = ${d}`);
  const features = featureOrder(data, order);
  const width = data.n + (minus ? minus.n : 0);
  const parts = minus ? [data, minus] : [data];
  const columns = parts.map((part) => viewColumns(part, view));
  const left = new Float32Array(d * width);
  // a symmetric view without a difference uses one array for both sides
  const shared = columns[0]!.symmetric && !minus;
  const right = shared ? left : new Float32Array(d * width);
  let offset = 0;
  parts.forEach((part, index) => {
    const c = columns[index]!;
    const sign = index === 0 ? 1 : -1;
    fillFactorRows(left, width, offset, c.left, part.n, d, c.leftMean, c.leftScale, features, rowRange);
    fillFactorRows(
      right,
      width,
      offset,
      c.right,
      part.n,
      d,
      c.rightMean,
      c.rightScale,
      features,
      colRange,
      sign,
    );
    offset += part.n;
  });
  return { left: { rows: d, n: width, data: left }, right: { rows: d, n: width, data: right } };
}
