import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../../../src-main/ml/inspect/eigen';
import { eigenThreads, eigenvaluesOfEach } from '../../../../src-main/ml/inspect/eigen-pool';
import { Random } from '../../../../src-main/ml/random';

function symmetric(side: number, seed: number): Float64Array {
  const random = new Random(seed);
  const a = new Float64Array(side * side);
  for (let i = 0; i < side; i++)
    for (let j = 0; j <= i; j++) a[i * side + j] = a[j * side + i] = random.normal();
  return a;
}

describe('eigenvalue problems on threads', () => {
  it('solves on worker threads with the very same numbers as in this thread', async () => {
    const problems = [150, 97, 120, 130, 5].map((side, k) => ({ matrix: symmetric(side, k), side }));
    const expected = problems.map(({ matrix, side }) => symmetricEigenvalues(matrix.slice(), side));
    const solved = await eigenvaluesOfEach(
      problems.map(({ matrix, side }) => ({ matrix: matrix.slice(), side })),
    );
    expect(eigenThreads()).toBe(2);
    solved.forEach((values, k) => expect(Array.from(values)).toEqual(Array.from(expected[k]!)));
  });

  it('small problems stay in this thread', async () => {
    const [values] = await eigenvaluesOfEach([{ matrix: Float64Array.from([2, 1, 1, 2]), side: 2 }]);
    expect(Array.from(values!)).toEqual([3, 1].map((value) => expect.closeTo(value, 14)));
  });
});
