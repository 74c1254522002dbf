import { gramReduce, type Factors } from './kernel';

/** Strips of a symmetric Gram: strip k computes rows [k s, (k + 1) s) x columns [0, (k + 1) s). */
const STRIPS = 6;

/**
 * The symmetric Gram X X^T (side x side, float64) of X = factors (side rows of length n),
 * exact values from the kernel over the lower triangle only, in strips (about 58% of the
 * full square's work), mirrored above the diagonal.
 */
export async function symmetricGram(factors: Factors, signal?: AbortSignal): Promise<Float64Array> {
  const side = factors.rows;
  const gram = new Float64Array(side * side);
  const strip = Math.ceil(side / STRIPS);
  for (let start = 0; start < side; start += strip) {
    const end = Math.min(start + strip, side);
    const { extreme } = await gramReduce({
      left: factors,
      right: factors,
      rows: [start, end],
      cols: [0, end],
      cellRows: 1,
      cellCols: 1,
      maskDiagonal: false,
      ...(signal ? { signal } : {}),
    });
    for (let i = start; i < end; i++) {
      const row = (i - start) * end;
      for (let j = 0; j < i; j++) {
        const value = extreme[row + j]!;
        gram[i * side + j] = value;
        gram[j * side + i] = value;
      }
      gram[i * side + i] = extreme[row + i]!;
    }
  }
  return gram;
}
