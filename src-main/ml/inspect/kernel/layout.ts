import { BAND_PARAMS, CHUNK, MICRO_PAD, paddedLength } from '../../../wasm/gram-reduce';
import type { ReduceRequest, ReduceResult } from './types';

/**
 * Where one request's numbers live in the shared WebAssembly memory, how its rows are cut into
 * bands (whole cell rows, so every band owns its cells and threads never write the same
 * cell), and how the raw sums become the result. Memory is O((rows + cols) n + cells):
 * the factors' region rows, the cells, and one band x CHUNK scratch per thread.
 */

export interface Band {
  start: number;
  rows: number;
}

/** Penalty slots per thread: [sum of squares, sum of |x|] for the computed part, then for the mirrored part. */
const SLOT_BYTES = 64;

export interface Plan {
  rows: number;
  cols: number;
  paddedN: number;
  cellRowsCount: number;
  cellColsCount: number;
  bands: Band[];
  bytes: number;
  /**
   * Symmetric request (same factor data, same rows and columns, square cells): each band
   * computes only its columns from its own first row on; the cells left of it are mirrored.
   */
  symmetric: boolean;
  /** band()'s argument lists for one band on thread t (two calls when symmetric). */
  calls(band: Band, thread: number): number[][];
  leftAt: number;
  rightAt: number;
  extremeAt: number;
  squaresAt: number;
  penaltyAt: number;
}

/**
 * Rows a band aims at: each band streams all the right rows once (64 MiB at n = 512,
 * d = 32768, more than L3), so taller bands mean less memory traffic; 128 rows keep the band's
 * left rows, a right chunk and the scratch (256 + 256 + 64 KiB) inside a 1 MiB L2.
 */
export const BAND_TARGET_ROWS = 128;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

function checkRange([start, end]: [number, number], limit: number, what: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > limit || end <= start)
    throw new RangeError(`gramReduce: ${what} [${start}, ${end}) is not inside [0, ${limit})`);
}

export function planRequest(
  request: ReduceRequest,
  threads: number,
  useSymmetry = true,
  bandTargetRows = BAND_TARGET_ROWS,
): Plan {
  const { left, right, cellRows, cellCols } = request;
  if (left.n !== right.n) throw new RangeError('gramReduce: left and right factors differ in n');
  if (left.data.length < left.rows * left.n || right.data.length < right.rows * right.n)
    throw new RangeError('gramReduce: factor data shorter than rows x n');
  checkRange(request.rows, left.rows, 'rows');
  checkRange(request.cols, right.rows, 'cols');
  if (!(Number.isInteger(cellRows) && cellRows >= 1 && Number.isInteger(cellCols) && cellCols >= 1))
    throw new RangeError('gramReduce: cellRows and cellCols must be positive integers');
  const rows = request.rows[1] - request.rows[0];
  const cols = request.cols[1] - request.cols[0];
  const paddedN = paddedLength(left.n);
  const cellRowsCount = Math.ceil(rows / cellRows);
  const cellColsCount = Math.ceil(cols / cellCols);
  const cellsPerBand = Math.max(1, Math.ceil(bandTargetRows / cellRows));
  const bands: Band[] = [];
  for (let cell = 0; cell < cellRowsCount; cell += cellsPerBand) {
    const start = cell * cellRows;
    bands.push({ start, rows: Math.min(rows, (cell + cellsPerBand) * cellRows) - start });
  }
  const maxBandRows = Math.max(...bands.map((band) => band.rows));
  const rowBytes = paddedN * 4;
  let bytes = 0;
  const take = (size: number) => {
    const at = bytes;
    bytes += align(size);
    return at;
  };
  take(64); // address 0 stays unused
  const leftAt = take((rows + MICRO_PAD) * rowBytes);
  const rightAt = take((Math.ceil(cols / MICRO_PAD) * MICRO_PAD + MICRO_PAD) * rowBytes);
  const extremeAt = take(cellRowsCount * cellColsCount * 4);
  const squaresAt = take(cellRowsCount * cellColsCount * 8);
  const penaltyAt = take(threads * SLOT_BYTES);
  const scratchBytes = align((Math.ceil(maxBandRows / MICRO_PAD) * MICRO_PAD + MICRO_PAD) * CHUNK * 4);
  const scratchAt = take(threads * scratchBytes);
  const diagonal = request.rows[0] - request.cols[0];
  const symmetric =
    useSymmetry &&
    left.data === right.data &&
    left.n === right.n &&
    diagonal === 0 &&
    rows === cols &&
    cellRows === cellCols;
  const args = (band: Band, thread: number, colStart: number, colEnd: number, mirrored: boolean) => {
    const named: Record<(typeof BAND_PARAMS)[number], number> = {
      left: leftAt,
      right: rightAt,
      colStart,
      colEnd,
      bandStart: band.start,
      bandRows: band.rows,
      cellRows,
      cellCols,
      cellColsCount,
      scratch: scratchAt + thread * scratchBytes,
      extreme: extremeAt,
      squares: squaresAt,
      penalty: penaltyAt + thread * SLOT_BYTES + (mirrored ? 16 : 0),
      mask: request.maskDiagonal ? 1 : 0,
      diagonal,
    };
    return BAND_PARAMS.map((key) => named[key]);
  };
  const calls = (band: Band, thread: number) => {
    if (!symmetric) return [args(band, thread, 0, cols, false)];
    const end = band.start + band.rows;
    const own = args(band, thread, band.start, end, false);
    return end < cols ? [own, args(band, thread, end, cols, true)] : [own];
  };
  return {
    ...{ rows, cols, paddedN, cellRowsCount, cellColsCount, bands, bytes, symmetric, calls },
    ...{ leftAt, rightAt, extremeAt, squaresAt, penaltyAt },
  };
}

/** Copies the region's factor rows into the (zeroed) memory, n padded with zeros. */
export function fillFactors(buffer: ArrayBufferLike, plan: Plan, request: ReduceRequest): void {
  const heap = new Float32Array(buffer);
  const copy = (factors: ReduceRequest['left'], [start, end]: [number, number], at: number) => {
    const { n, data } = factors;
    for (let row = start; row < end; row++)
      heap.set(data.subarray(row * n, row * n + n), at / 4 + (row - start) * plan.paddedN);
  };
  copy(request.left, request.rows, plan.leftAt);
  copy(request.right, request.cols, plan.rightAt);
}

/** The result from the cells' raw sums: NaN where a cell holds no entry, rms from the counts. */
export function finishResult(
  buffer: ArrayBufferLike,
  plan: Plan,
  request: ReduceRequest,
  threads: number,
): ReduceResult {
  const { cellRowsCount, cellColsCount } = plan;
  const { cellRows, cellCols, maskDiagonal } = request;
  const [r0] = request.rows;
  const [c0] = request.cols;
  const extremeIn = new Float32Array(buffer, plan.extremeAt, cellRowsCount * cellColsCount);
  const squaresIn = new Float64Array(buffer, plan.squaresAt, cellRowsCount * cellColsCount);
  if (plan.symmetric) {
    // cell (a, b) left of a's band was not computed: it is cell (b, a) transposed
    for (const band of plan.bands) {
      const first = band.start / cellRows;
      const last = Math.ceil((band.start + band.rows) / cellRows);
      for (let a = first; a < last; a++) {
        for (let b = 0; b < first; b++) {
          extremeIn[a * cellColsCount + b] = extremeIn[b * cellColsCount + a]!;
          squaresIn[a * cellColsCount + b] = squaresIn[b * cellColsCount + a]!;
        }
      }
    }
  }
  const extreme = new Float32Array(cellRowsCount * cellColsCount);
  const rms = new Float32Array(cellRowsCount * cellColsCount);
  for (let a = 0; a < cellRowsCount; a++) {
    const rowStart = r0 + a * cellRows;
    const rowEnd = r0 + Math.min(plan.rows, (a + 1) * cellRows);
    for (let b = 0; b < cellColsCount; b++) {
      const colStart = c0 + b * cellCols;
      const colEnd = c0 + Math.min(plan.cols, (b + 1) * cellCols);
      let count = (rowEnd - rowStart) * (colEnd - colStart);
      if (maskDiagonal) count -= Math.max(0, Math.min(rowEnd, colEnd) - Math.max(rowStart, colStart));
      const cell = a * cellColsCount + b;
      extreme[cell] = count > 0 ? extremeIn[cell]! : NaN;
      rms[cell] = count > 0 ? Math.sqrt(squaresIn[cell]! / count) : NaN;
    }
  }
  let penalty = 0;
  if (request.penalty) {
    const slots = new Float64Array(buffer, plan.penaltyAt, (threads * SLOT_BYTES) / 8);
    const which = request.penalty.q === 2 ? 0 : 1;
    for (let t = 0; t < threads; t++) {
      const at = (t * SLOT_BYTES) / 8 + which;
      penalty += slots[at]! + 2 * slots[at + 2]!;
    }
  }
  return { cellRowsCount, cellColsCount, extreme, rms, penalty };
}
