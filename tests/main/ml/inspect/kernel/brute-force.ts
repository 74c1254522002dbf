import type { Factors, ReduceRequest } from '../../../../../src-main/ml/inspect/kernel';
import { Random } from '../../../../../src-main/ml/random';

/** Gaussian factors, rows x n, float32. */
export function randomFactors(rows: number, n: number, seed: number): Factors {
  const random = new Random(seed);
  return { rows, n, data: Float32Array.from({ length: rows * n }, () => random.normal()) };
}

export interface BruteCells {
  cellRowsCount: number;
  cellColsCount: number;
  extreme: Float64Array;
  rms: Float64Array;
  /** Every entry of each cell (the kernel's extreme must be one of them). */
  entries: number[][];
  penalty: number;
  /** Largest |M| in the region, the scale of the tolerances. */
  scale: number;
}

/** The request by definition, in float64: every entry a dot product, every cell a loop. */
export function bruteForce(request: ReduceRequest): BruteCells {
  const { left, right, rows, cols, cellRows, cellCols, maskDiagonal } = request;
  const n = left.n;
  const cellRowsCount = Math.ceil((rows[1] - rows[0]) / cellRows);
  const cellColsCount = Math.ceil((cols[1] - cols[0]) / cellCols);
  const cells = cellRowsCount * cellColsCount;
  const extreme = new Float64Array(cells).fill(NaN);
  const squares = new Float64Array(cells);
  const entries = Array.from({ length: cells }, () => [] as number[]);
  let penalty = 0;
  let scale = 0;
  for (let i = rows[0]; i < rows[1]; i++)
    for (let j = cols[0]; j < cols[1]; j++) {
      let value = 0;
      for (let k = 0; k < n; k++) value += left.data[i * n + k]! * right.data[j * n + k]!;
      scale = Math.max(scale, Math.abs(value));
      if (request.penalty && i !== j) penalty += request.penalty.q === 1 ? Math.abs(value) : value * value;
      if (maskDiagonal && i === j) continue;
      const at = Math.floor((i - rows[0]) / cellRows) * cellColsCount + Math.floor((j - cols[0]) / cellCols);
      if (!(Math.abs(value) <= Math.abs(extreme[at]!))) extreme[at] = value;
      squares[at]! += value * value;
      entries[at]!.push(value);
    }
  const rms = Float64Array.from(squares, (value, at) =>
    entries[at]!.length ? Math.sqrt(value / entries[at]!.length) : NaN,
  );
  return { cellRowsCount, cellColsCount, extreme, rms, entries, penalty, scale };
}
