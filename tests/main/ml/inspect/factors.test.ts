import { describe, expect, it } from 'vitest';
import { MATRIX_VIEWS, type MatrixOrder } from '../../../../src-shared/inspect';
import { featureOrder, matrixFactors } from '../../../../src-main/ml/inspect/factors';
import { randomSnapshot, referenceMatrix } from '../../../helpers/inspect-reference';

/** Entry (i, j) of L R^T in float64 from the float32 factors. */
function entry(left: Float32Array, right: Float32Array, width: number, i: number, j: number): number {
  let sum = 0;
  for (let k = 0; k < width; k++) sum += left[i * width + k]! * right[j * width + k]!;
  return sum;
}

describe('inspector factors', () => {
  const data = randomSnapshot(19, 13, 3, { permute: true });
  const all = { start: 0, end: data.d };

  it.each(
    MATRIX_VIEWS.flatMap((view) => (['original', 'permuted'] as MatrixOrder[]).map((order) => [view, order])),
  )('%s in %s order: one dot product of the factors is one matrix entry', (view, order) => {
    const expected = referenceMatrix(data, view as never, order as MatrixOrder);
    const { left, right } = matrixFactors(data, view as never, order as MatrixOrder, all, all);
    expect(left.rows).toBe(data.d);
    expect(left.n).toBe(data.n);
    let error = 0;
    for (let i = 0; i < data.d; i++)
      for (let j = 0; j < data.d; j++)
        error = Math.max(
          error,
          Math.abs(entry(left.data, right.data, left.n, i, j) - expected[i * data.d + j]!),
        );
    expect(error).toBeLessThan(2e-6);
  });

  it('the permuted order puts feature permutation[i] at position i', () => {
    expect(featureOrder(data, 'permuted')).toBe(data.permutation);
    expect(featureOrder(data, 'original')).toBeNull();
    expect(featureOrder({ ...data, permutation: null }, 'permuted')).toBeNull();
  });

  it('a difference view concatenates along n: [L_a | L_b] (R_a | -R_b) = M_a - M_b', () => {
    const other = randomSnapshot(11, 13, 4, { permute: true });
    const a = referenceMatrix(data, 'cross', 'permuted');
    // the other snapshot is read in this snapshot's order
    const b = referenceMatrix({ ...other, permutation: data.permutation }, 'cross', 'permuted');
    const { left, right } = matrixFactors(data, 'cross', 'permuted', all, all, other);
    expect(left.n).toBe(data.n + other.n);
    let error = 0;
    for (let i = 0; i < data.d; i++)
      for (let j = 0; j < data.d; j++)
        error = Math.max(
          error,
          Math.abs(entry(left.data, right.data, left.n, i, j) - (a[i * 13 + j]! - b[i * 13 + j]!)),
        );
    expect(error).toBeLessThan(2e-6);
    expect(() => matrixFactors(data, 'cross', 'original', all, all, randomSnapshot(5, 7, 1))).toThrow(
      /d = 7/,
    );
  });

  it('fills only the rows a region needs', () => {
    const { left, right } = matrixFactors(
      data,
      'cov1',
      'original',
      { start: 2, end: 5 },
      { start: 9, end: 13 },
    );
    const nonZeroRows = (factor: Float32Array) =>
      Array.from({ length: data.d }, (_, i) => i).filter((i) =>
        factor.subarray(i * data.n, (i + 1) * data.n).some((v) => v !== 0),
      );
    expect(nonZeroRows(left.data)).toEqual([2, 3, 4, 9, 10, 11, 12]);
    expect(right.data).toBe(left.data);
  });
});
