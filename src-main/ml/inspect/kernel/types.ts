/**
 * The fused GEMM-reduce kernel's contract (team design, "A -> B"): M[i][j] = sum_k left[i, k] *
 * right[j, k] over a region of M, reduced into cells. Factors are feature-major (row i = feature
 * i's n values, already scaled), so every entry is one dot product of two contiguous rows.
 */

export interface Factors {
  rows: number;
  n: number;
  /** rows x n, row-major. */
  data: Float32Array;
}

export interface ReduceRequest {
  /** Same n on both sides. */
  left: Factors;
  right: Factors;
  /** Region of M, [start, end). */
  rows: [number, number];
  cols: [number, number];
  /** Entries per cell (the last cell may be narrower). */
  cellRows: number;
  cellCols: number;
  /** Leave entries with i === j out of the cells. */
  maskDiagonal: boolean;
  /** Also the sum over i != j in the region of |x| (q = 1) or x^2 (q = 2), float64 accumulation. */
  penalty?: { q: 1 | 2 };
  /** Called per band (done of total), for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ReduceResult {
  cellRowsCount: number;
  cellColsCount: number;
  /** Per cell, row-major: the signed entry of largest |value| (NaN when the cell holds no entry). */
  extreme: Float32Array;
  /** Per cell: sqrt(mean of squares) over its entries (NaN when none). */
  rms: Float32Array;
  /** 0 when not asked. */
  penalty: number;
}
