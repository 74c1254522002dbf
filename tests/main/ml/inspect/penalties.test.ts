import { describe, expect, it } from 'vitest';
import { MATRIX_VIEWS, type MatrixView } from '../../../../src-shared/inspect';
import { exactPenalty, viewPenalty } from '../../../../src-main/ml/inspect/penalties';
import { phi, randomSnapshot, referenceMatrix } from '../../../helpers/inspect-reference';

function bruteForce(matrix: Float64Array, d: number, q: 1 | 2): number {
  let sum = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) sum += phi(q, matrix[i * d + j]!);
  return sum;
}

describe('exact off-diagonal penalties', () => {
  // n = 9 < d / 4: q = 2 goes through the n x n Grams, q = 1 through the d x d kernel pass
  const wide = randomSnapshot(9, 45, 17, { permute: true });
  // n = 30 > d / 4: both through the d x d pass
  const tall = randomSnapshot(30, 21, 18);

  it.each(MATRIX_VIEWS.flatMap((view) => [1, 2].map((q) => [view, q] as [MatrixView, 1 | 2])))(
    '%s, q = %i, against brute force on both routes',
    async (view, q) => {
      for (const data of [wide, tall]) {
        const expected = bruteForce(referenceMatrix(data, view), data.d, q);
        const actual = await viewPenalty(data, view, q);
        expect(Math.abs(actual - expected) / expected).toBeLessThan(2e-5);
      }
    },
  );

  it('the loss normalisation: BT as is, VICReg 2 / (d (d - 1)) per view', async () => {
    const d = wide.d;
    expect(await exactPenalty(wide, 'bt', 'cross', 2)).toBeCloseTo(await viewPenalty(wide, 'cross', 2), 10);
    const cov2 = bruteForce(referenceMatrix(wide, 'cov2'), d, 2);
    expect((await exactPenalty(wide, 'vicreg', 'cov2', 2)) / ((2 / (d * (d - 1))) * cov2)).toBeCloseTo(1, 5);
    await expect(exactPenalty(wide, 'bt', 'cov1', 2)).rejects.toThrow(/cross/);
    await expect(exactPenalty(wide, 'vicreg', 'corr1', 2)).rejects.toThrow(/cov1 or cov2/);
    expect(await exactPenalty(randomSnapshot(5, 1, 1), 'bt', 'cross', 2)).toBe(0);
  });
});
