/**
 * Column-wise kernels on row-major [N, d] float32 data downloaded from the backend: batch
 * statistics, and the feature permutation (new column j = old column permutation[j]).
 */

export interface ColumnStats {
  mean: Float64Array;
  /** sum_n (z - mean)^2, per column. */
  sumSquares: Float64Array;
}

export interface ViewStats {
  z1: ColumnStats;
  z2: ColumnStats;
  /** sum over all entries of (z1 - z2)^2. */
  squaredDifference: number;
}

/**
 * Column statistics of both views in one pass, accumulated in float64 around the first row
 * (a shift that keeps sum-of-squares from cancelling when means are large).
 */
export function viewStats(z1: Float32Array, z2: Float32Array, rows: number, d: number): ViewStats {
  const shift1 = Float64Array.from(z1.subarray(0, d));
  const shift2 = Float64Array.from(z2.subarray(0, d));
  const sum1 = new Float64Array(d);
  const sum2 = new Float64Array(d);
  const squares1 = new Float64Array(d);
  const squares2 = new Float64Array(d);
  let squaredDifference = 0;
  for (let n = 0; n < rows; n++) {
    const row = n * d;
    for (let j = 0; j < d; j++) {
      const a = z1[row + j]!;
      const b = z2[row + j]!;
      const x = a - shift1[j]!;
      const y = b - shift2[j]!;
      sum1[j]! += x;
      sum2[j]! += y;
      squares1[j]! += x * x;
      squares2[j]! += y * y;
      squaredDifference += (a - b) * (a - b);
    }
  }
  const finish = (shift: Float64Array, sum: Float64Array, squares: Float64Array): ColumnStats => {
    const mean = new Float64Array(d);
    const sumSquares = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const offset = sum[j]! / rows;
      mean[j] = shift[j]! + offset;
      sumSquares[j] = Math.max(0, squares[j]! - rows * offset * offset);
    }
    return { mean, sumSquares };
  };
  return { z1: finish(shift1, sum1, squares1), z2: finish(shift2, sum2, squares2), squaredDifference };
}

/** values[permutation[j]] for each j (identity when permutation is null). */
export function permuteVector(values: Float64Array, permutation: Int32Array | null): Float64Array {
  if (!permutation) return values;
  const out = new Float64Array(values.length);
  for (let j = 0; j < values.length; j++) out[j] = values[permutation[j]!]!;
  return out;
}

/**
 * Writes one row of gradients (permuted order, strided in `data`) into g1, g2 at the original
 * column positions: g1[row + permutation[j]] = data[uAt + j * stride] * uScale, same for g2.
 */
export function scatterRow(
  data: Float32Array | Float64Array,
  uAt: number,
  vAt: number,
  stride: number,
  uScale: number,
  vScale: number,
  g1: Float32Array,
  g2: Float32Array,
  row: number,
  d: number,
  permutation: Int32Array | null,
): void {
  for (let j = 0; j < d; j++) {
    const column = permutation ? row + permutation[j]! : row + j;
    g1[column] = data[uAt + j * stride]! * uScale;
    g2[column] = data[vAt + j * stride]! * vScale;
  }
}

/** The permutation p^-1 with p^-1[p[j]] = j (null stays null). */
export function inversePermutation(permutation: Int32Array | null): Int32Array | null {
  if (!permutation) return null;
  const inverse = new Int32Array(permutation.length);
  for (let j = 0; j < permutation.length; j++) inverse[permutation[j]!] = j;
  return inverse;
}
