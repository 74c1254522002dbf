import { BAND_PARAMS, CHUNK, MICRO_COLS, MICRO_ROWS, paddedLength } from '../../../wasm/gram-reduce';
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

export interface Plan {
  rows: number;
  cols: number;
  paddedN: number;
  cellRowsCount: number;
  cellColsCount: number;
  bands: Band[];
  bytes: number;
  /** band()'s arguments for thread t, bandStart and bandRows to be filled per band. */
  args(thread: number): number[];
  leftAt: number;
  rightAt: number;
  extremeAt: number;
  squaresAt: number;
  penaltyAt: number;
}

/** Rows a band aims at: enough to reuse each right chunk from L2 many times. */
const BAND_TARGET_ROWS = 64;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

function checkRange([start, end]: [number, number], limit: number, what: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > limit || end <= start)
    throw new RangeError(`gramReduce: ${what} [${start}, ${end}) is not inside [0, ${limit})`);
}

export function planRequest(request: ReduceRequest, threads: number): Plan {
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
  const cellsPerBand = Math.max(1, Math.ceil(BAND_TARGET_ROWS / cellRows));
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
  const leftAt = take((rows + MICRO_ROWS) * rowBytes);
  const rightAt = take((Math.ceil(cols / MICRO_COLS) * MICRO_COLS + MICRO_COLS) * rowBytes);
  const extremeAt = take(cellRowsCount * cellColsCount * 4);
  const squaresAt = take(cellRowsCount * cellColsCount * 8);
  const penaltyAt = take(threads * 64);
  const scratchBytes = align((Math.ceil(maxBandRows / MICRO_ROWS) * MICRO_ROWS + MICRO_ROWS) * CHUNK * 4);
  const scratchAt = take(threads * scratchBytes);
  const diagonal = request.rows[0] - request.cols[0];
  const args = (thread: number) => {
    const named: Record<(typeof BAND_PARAMS)[number], number> = {
      left: leftAt,
      right: rightAt,
      cols,
      bandStart: 0,
      bandRows: 0,
      cellRows,
      cellCols,
      cellColsCount,
      scratch: scratchAt + thread * scratchBytes,
      extreme: extremeAt,
      squares: squaresAt,
      penalty: penaltyAt + thread * 64,
      mask: request.maskDiagonal ? 1 : 0,
      diagonal,
    };
    return BAND_PARAMS.map((key) => named[key]);
  };
  return {
    ...{ rows, cols, paddedN, cellRowsCount, cellColsCount, bands, bytes, args },
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
    const slots = new Float64Array(buffer, plan.penaltyAt, threads * 8);
    for (let t = 0; t < threads; t++) penalty += slots[t * 8 + (request.penalty.q === 2 ? 0 : 1)]!;
  }
  return { cellRowsCount, cellColsCount, extreme, rms, penalty };
}
