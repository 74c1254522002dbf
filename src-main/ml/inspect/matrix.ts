import {
  INSPECT_LIMITS,
  type MatrixOrder,
  type MatrixRegion,
  type MatrixView,
  type OverviewReduction,
} from '@shared/inspect';
import { matrixFactors } from './factors';
import { gramReduce, type Factors } from './kernel';
import type { SnapshotData } from './snapshot-data';

export interface MatrixCellsOptions {
  view: MatrixView;
  order: MatrixOrder;
  reduce: OverviewReduction;
  maskDiagonal: boolean;
  /** The whole matrix when omitted. */
  region?: MatrixRegion;
  /** Cells per side at most (default and cap INSPECT_LIMITS.maxCells). */
  maxCells?: number;
  /** Show this snapshot minus that one (same d), both in this snapshot's order. */
  minus?: SnapshotData | null;
  signal?: AbortSignal;
}

export interface MatrixCellsResult {
  region: MatrixRegion;
  cellRows: number;
  cellCols: number;
  /** Cells per side. */
  rows: number;
  cols: number;
  /** rows x cols row-major; NaN for cells that hold no entry (a masked diagonal). */
  values: Float32Array;
  /** Smallest and largest finite value (0, 0 when there is none). */
  min: number;
  max: number;
}

/** The region, checked against d: integer bounds with 0 <= start < end <= d. */
export function checkRegion(region: MatrixRegion | undefined, d: number): MatrixRegion {
  const out = region ?? { rows: [0, d], cols: [0, d] };
  for (const [name, [start, end]] of [
    ['rows', out.rows],
    ['cols', out.cols],
  ] as const) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d || start >= end)
      throw new Error(`inspector: region ${name} [${start}, ${end}) is not inside [0, ${d})`);
  }
  return { rows: [out.rows[0], out.rows[1]], cols: [out.cols[0], out.cols[1]] };
}

/**
 * Square cells (the same number of entries both ways, so a block keeps its aspect ratio),
 * as small as keeps both sides within maxCells; 1 (exact values) for a small region.
 */
export function cellSize(region: MatrixRegion, maxCells: number): number {
  const height = region.rows[1] - region.rows[0];
  const width = region.cols[1] - region.cols[0];
  return Math.max(1, Math.ceil(height / maxCells), Math.ceil(width / maxCells));
}

/**
 * A region of a d x d matrix view, exact or summarised into cells of its largest-|value|
 * entry or its RMS, computed by the fused GEMM-reduce kernel from O(n d) factors (never a
 * d x d array). onProgress gets (done, total) bands.
 */
export async function matrixCells(
  data: SnapshotData,
  options: MatrixCellsOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<MatrixCellsResult> {
  const region = checkRegion(options.region, data.d);
  const maxCells = Math.min(options.maxCells ?? INSPECT_LIMITS.maxCells, INSPECT_LIMITS.maxCells);
  if (!Number.isInteger(maxCells) || maxCells < 1)
    throw new Error(`inspector: maxCells must be a positive integer`);
  const size = cellSize(region, maxCells);
  const range = (bounds: [number, number]) => ({ start: bounds[0], end: bounds[1] });
  const { left, right } = matrixFactors(
    data,
    options.view,
    options.order,
    range(region.rows),
    range(region.cols),
    options.minus ?? null,
  );
  const request = {
    left,
    right,
    size,
    maskDiagonal: options.maskDiagonal,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // every view but C is symmetric (and so is a difference of two): a square region on the
  // diagonal needs its lower cells only
  const mirror =
    options.view !== 'cross' && region.rows[0] === region.cols[0] && region.rows[1] === region.cols[1];
  const { rows, cols, extreme, rms } = mirror
    ? await symmetricCells(request, region.rows, onProgress)
    : await plainCells(request, region, onProgress);
  const values = options.reduce === 'rms' ? rms : extreme;
  const { min, max } = finiteRange(values);
  return { region, cellRows: size, cellCols: size, rows, cols, values, min, max };
}

interface CellsRequest {
  left: Factors;
  right: Factors;
  size: number;
  maskDiagonal: boolean;
  signal?: AbortSignal;
}

interface Cells {
  rows: number;
  cols: number;
  extreme: Float32Array;
  rms: Float32Array;
}

async function plainCells(
  request: CellsRequest,
  region: MatrixRegion,
  onProgress?: (done: number, total: number) => void,
): Promise<Cells> {
  const { size, ...rest } = request;
  const result = await gramReduce({
    ...rest,
    rows: region.rows,
    cols: region.cols,
    cellRows: size,
    cellCols: size,
    ...(onProgress ? { onProgress } : {}),
  });
  return { rows: result.cellRowsCount, cols: result.cellColsCount, extreme: result.extreme, rms: result.rms };
}

/** Strips of cell rows for a symmetric overview: about (S + 1) / 2S of the square's work. */
const CELL_STRIPS = 8;

/**
 * The cells of a square region [start, end)^2 of a symmetric matrix: strip k computes its
 * cell rows against all cell columns up to its own last, and the cells left of its diagonal
 * block are mirrored above the diagonal. Progress counts cells.
 */
async function symmetricCells(
  request: CellsRequest,
  [start, end]: [number, number],
  onProgress?: (done: number, total: number) => void,
): Promise<Cells> {
  const { size, ...rest } = request;
  const count = Math.ceil((end - start) / size);
  const extreme = new Float32Array(count * count);
  const rms = new Float32Array(count * count);
  const strip = Math.ceil(count / Math.min(CELL_STRIPS, count));
  const work = (first: number, last: number) => (last - first) * last;
  let total = 0;
  for (let first = 0; first < count; first += strip) total += work(first, Math.min(first + strip, count));
  let done = 0;
  for (let first = 0; first < count; first += strip) {
    const last = Math.min(first + strip, count);
    const stripWork = work(first, last);
    const bound = Math.min(start + last * size, end);
    const result = await gramReduce({
      ...rest,
      rows: [start + first * size, bound],
      cols: [start, bound],
      cellRows: size,
      cellCols: size,
      ...(onProgress
        ? {
            onProgress: (bands: number, of: number) =>
              onProgress(done + Math.round((stripWork * bands) / of), total),
          }
        : {}),
    });
    for (let a = first; a < last; a++)
      for (let b = 0; b < last; b++) {
        const at = (a - first) * last + b;
        extreme[a * count + b] = result.extreme[at]!;
        rms[a * count + b] = result.rms[at]!;
        if (b < first) {
          extreme[b * count + a] = result.extreme[at]!;
          rms[b * count + a] = result.rms[at]!;
        }
      }
    done += stripWork;
  }
  return { rows: count, cols: count, extreme, rms };
}

export function finiteRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** Strips per symmetric penalty: each computes its diagonal square and the rectangle to its right. */
const STRIPS = 8;

/**
 * sum_{i != j} phi_q(M_ij) over the whole matrix M = L R^T, float64 accumulation in the
 * kernel. A symmetric M (L = R) is summed over its upper half only, in strips: each strip's
 * square on the diagonal, plus twice the rectangle right of it (about 9/16 of the work).
 */
export async function offDiagonalPenalty(
  left: Factors,
  right: Factors,
  symmetric: boolean,
  q: 1 | 2,
  signal?: AbortSignal,
): Promise<number> {
  const d = left.rows;
  const cell = Math.max(1, Math.ceil(d / INSPECT_LIMITS.maxCells));
  const reduce = async (rows: [number, number], cols: [number, number]) =>
    (
      await gramReduce({
        left,
        right,
        rows,
        cols,
        cellRows: cell,
        cellCols: cell,
        maskDiagonal: true,
        penalty: { q },
        ...(signal ? { signal } : {}),
      })
    ).penalty;
  if (!symmetric) return reduce([0, d], [0, d]);
  const strip = Math.ceil(d / STRIPS);
  let total = 0;
  for (let start = 0; start < d; start += strip) {
    const end = Math.min(start + strip, d);
    total += await reduce([start, end], [start, end]);
    if (end < d) total += 2 * (await reduce([start, end], [end, d]));
  }
  return total;
}
