import type { MatrixOrder, MatrixRegion, MatrixView } from '../../src-shared/inspect';
import type { ReduceRequest, ReduceResult } from '../../src-main/ml/inspect/kernel';
import type { SnapshotData } from '../../src-main/ml/inspect/snapshot-data';
import { Random } from '../../src-main/ml/random';

/**
 * Brute-force float64 references for the inspector's math, written from the spec
 * (../shared/spec/losses.md sections 2-6) without the project's code: whole d x d matrices,
 * cells by looping over every entry, wrapped-diagonal sums by their definition.
 */

/** A snapshot of correlated views with float32 values, column scales 0.3..1.7, some collapsed features. */
export function randomSnapshot(
  n: number,
  d: number,
  seed: number,
  options: { featureDim?: number; permute?: boolean; collapsed?: number } = {},
): SnapshotData {
  const random = new Random(seed);
  const latent = Math.max(2, Math.floor(d / 3));
  const mix = Array.from({ length: d * latent }, () => random.normal() / Math.sqrt(latent));
  const z1 = new Float32Array(n * d);
  const z2 = new Float32Array(n * d);
  const collapsed = options.collapsed ?? 0;
  for (let s = 0; s < n; s++) {
    const hidden = Array.from({ length: latent }, () => random.normal());
    for (let j = 0; j < d; j++) {
      let value = 0;
      for (let k = 0; k < latent; k++) value += mix[j * latent + k]! * hidden[k]!;
      const scale = (0.3 + (1.4 * j) / Math.max(1, d - 1)) * (j < collapsed ? 1e-4 : 1);
      z1[s * d + j] = (value + 0.5 * random.normal()) * scale + 0.2 * j;
      z2[s * d + j] = (value + 0.5 * random.normal()) * scale - 0.1;
    }
  }
  const featureDim = options.featureDim ?? 0;
  const features = (shift: number) => {
    if (!featureDim) return null;
    const h = new Float32Array(n * featureDim);
    for (let i = 0; i < h.length; i++) h[i] = Math.max(0, random.normal() + shift);
    return h;
  };
  const permutation = options.permute ? random.permutation(d) : null;
  return { n, d, featureDim, z1, z2, h1: features(0.5), h2: features(0.3), permutation };
}

/** Per-column mean and the centred values' sum of squares in float64. */
function columnStats(z: Float32Array, n: number, d: number): { mean: number[]; squares: number[] } {
  const mean = new Array<number>(d).fill(0);
  const squares = new Array<number>(d).fill(0);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j]! += z[s * d + j]! / n;
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) squares[j]! += (z[s * d + j]! - mean[j]!) ** 2;
  return { mean, squares };
}

/** Feature-major centred, scaled columns of one view: BT standardisation or VICReg centring. */
function columns(z: Float32Array, n: number, d: number, kind: 'bt' | 'vicreg'): Float64Array[] {
  const { mean, squares } = columnStats(z, n, d);
  return Array.from({ length: d }, (_, j) => {
    const scale = kind === 'bt' ? 1 / Math.sqrt(squares[j]! / n + 1e-5) : 1;
    return Float64Array.from({ length: n }, (_, s) => (z[s * d + j]! - mean[j]!) * scale);
  });
}

/** The whole d x d matrix of a view in float64, in the given order (row-major). */
export function referenceMatrix(
  data: SnapshotData,
  view: MatrixView,
  order: MatrixOrder = 'original',
): Float64Array {
  const { n, d } = data;
  const covariance = view === 'cov1' || view === 'cov2';
  const kind = covariance ? 'vicreg' : 'bt';
  const first = view === 'cov2' || view === 'corr2' ? data.z2 : data.z1;
  const second = view === 'cross' ? data.z2 : first;
  const a = columns(first, n, d, kind);
  const b = second === first ? a : columns(second, n, d, kind);
  const divisor = covariance ? n - 1 : n;
  const p = order === 'permuted' && data.permutation ? data.permutation : null;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const x = a[p ? p[i]! : i]!;
      const y = b[p ? p[j]! : j]!;
      let sum = 0;
      for (let s = 0; s < n; s++) sum += x[s]! * y[s]!;
      out[i * d + j] = sum / divisor;
    }
  return out;
}

/** Cells of `cell` x `cell` entries of a region of a d x d matrix: signed extreme or RMS. */
export function referenceCells(
  matrix: Float64Array,
  d: number,
  region: MatrixRegion,
  cell: number,
  reduce: 'extreme' | 'rms',
  maskDiagonal: boolean,
): { rows: number; cols: number; values: Float64Array } {
  const [r0, r1] = region.rows;
  const [c0, c1] = region.cols;
  const rows = Math.ceil((r1 - r0) / cell);
  const cols = Math.ceil((c1 - c0) / cell);
  const values = new Float64Array(rows * cols);
  for (let a = 0; a < rows; a++)
    for (let b = 0; b < cols; b++) {
      let best = NaN;
      let squares = 0;
      let count = 0;
      for (let i = r0 + a * cell; i < Math.min(r0 + (a + 1) * cell, r1); i++)
        for (let j = c0 + b * cell; j < Math.min(c0 + (b + 1) * cell, c1); j++) {
          if (maskDiagonal && i === j) continue;
          const value = matrix[i * d + j]!;
          if (!(Math.abs(value) <= Math.abs(best))) best = value;
          squares += value * value;
          count++;
        }
      values[a * cols + b] = count === 0 ? NaN : reduce === 'extreme' ? best : Math.sqrt(squares / count);
    }
  return { rows, cols, values };
}

/**
 * The kernel's contract (src-main/ml/inspect/kernel) by brute force in float64, for checking
 * the math on its own: M_ij = sum_k left[i, k] right[j, k].
 */
export async function referenceGramReduce(request: ReduceRequest): Promise<ReduceResult> {
  const { left, right, rows, cols, cellRows, cellCols, maskDiagonal } = request;
  const n = left.n;
  const count = [
    Math.ceil((rows[1] - rows[0]) / cellRows),
    Math.ceil((cols[1] - cols[0]) / cellCols),
  ] as const;
  const extreme = new Float32Array(count[0] * count[1]).fill(NaN);
  const squares = new Float64Array(count[0] * count[1]);
  const entries = new Float64Array(count[0] * count[1]);
  let penalty = 0;
  for (let i = rows[0]; i < rows[1]; i++)
    for (let j = cols[0]; j < cols[1]; j++) {
      if (maskDiagonal && i === j) continue;
      let value = 0;
      for (let k = 0; k < n; k++) value += left.data[i * n + k]! * right.data[j * n + k]!;
      const at = Math.floor((i - rows[0]) / cellRows) * count[1] + Math.floor((j - cols[0]) / cellCols);
      if (!(Math.abs(value) <= Math.abs(extreme[at]!))) extreme[at] = value;
      squares[at]! += value * value;
      entries[at]!++;
      if (request.penalty && i !== j) penalty += request.penalty.q === 1 ? Math.abs(value) : value * value;
    }
  const rms = Float32Array.from(squares, (value, at) =>
    entries[at] ? Math.sqrt(value / entries[at]!) : NaN,
  );
  return { cellRowsCount: count[0], cellColsCount: count[1], extreme, rms, penalty };
}

/**
 * Summary vectors by their definition (spec sections 4-6) from a whole matrix in permuted
 * order: r_gh[k] = sum_j B[j, (j + k) mod b] over the zero-padded b x b block B of (g, h).
 */
export function referenceSummaries(matrix: Float64Array, d: number, b: number): Float64Array {
  const G = Math.ceil(d / b);
  const r = new Float64Array(G * G * b);
  for (let g = 0; g < G; g++)
    for (let h = 0; h < G; h++)
      for (let k = 0; k < b; k++) {
        let sum = 0;
        for (let j = 0; j < b; j++) {
          const i = g * b + j;
          const column = h * b + ((j + k) % b);
          if (i < d && column < d) sum += matrix[i * d + column]!;
        }
        r[(g * G + h) * b + k] = sum;
      }
  return r;
}

/** phi_q. */
export function phi(q: 1 | 2, value: number): number {
  return q === 1 ? Math.abs(value) : value * value;
}
