import { describe, expect, it } from 'vitest';
import type { MatrixRegion, MatrixView } from '../../../../src-shared/inspect';
import { cellSize, matrixCells, offDiagonalPenalty } from '../../../../src-main/ml/inspect/matrix';
import { matrixFactors } from '../../../../src-main/ml/inspect/factors';
import { phi, randomSnapshot, referenceCells, referenceMatrix } from '../../../helpers/inspect-reference';

/** max |actual - expected| over cells, with NaN required in the same places. */
function cellError(actual: Float32Array, expected: Float64Array): number {
  expect(actual.length).toBe(expected.length);
  let error = 0;
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isNaN(actual[i]!)).toBe(Number.isNaN(expected[i]!));
    if (!Number.isNaN(expected[i]!)) error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
  }
  return error;
}

describe('inspector matrix cells', () => {
  // d = 37: no cell size used below divides it, so the last row and column of cells are narrower
  const data = randomSnapshot(23, 37, 7, { permute: true });
  const d = data.d;

  const cases: [MatrixView, 'original' | 'permuted', 'extreme' | 'rms', boolean][] = [
    ['cross', 'original', 'extreme', false],
    ['cross', 'permuted', 'rms', true],
    ['corr1', 'permuted', 'extreme', true],
    ['corr2', 'original', 'rms', false],
    ['cov1', 'original', 'extreme', true],
    ['cov2', 'permuted', 'extreme', false],
  ];

  it.each(cases)(
    'overview of %s (%s, %s, mask %s) against brute force',
    async (view, order, reduce, mask) => {
      const matrix = referenceMatrix(data, view, order);
      const result = await matrixCells(data, { view, order, reduce, maskDiagonal: mask, maxCells: 8 });
      expect(result.cellRows).toBe(5);
      expect([result.rows, result.cols]).toEqual([8, 8]);
      const expected = referenceCells(matrix, d, { rows: [0, d], cols: [0, d] }, 5, reduce, mask);
      const scale = Math.max(...Array.from(matrix, Math.abs));
      expect(cellError(result.values, expected.values)).toBeLessThan(3e-6 * scale);
      const finite = Array.from(result.values).filter(Number.isFinite);
      expect(result.min).toBe(Math.min(...finite));
      expect(result.max).toBe(Math.max(...finite));
    },
  );

  it.each([
    { rows: [30, 37], cols: [0, 12] },
    { rows: [0, 37], cols: [36, 37] },
    { rows: [11, 29], cols: [5, 33] },
  ] as MatrixRegion[])('exact tile %j, at the matrix edge too', async (region) => {
    const matrix = referenceMatrix(data, 'cross', 'permuted');
    const result = await matrixCells(data, {
      view: 'cross',
      order: 'permuted',
      reduce: 'extreme',
      maskDiagonal: true,
      region,
    });
    expect(result.cellRows).toBe(1);
    expect(result.rows).toBe(region.rows[1] - region.rows[0]);
    expect(result.cols).toBe(region.cols[1] - region.cols[0]);
    const expected = referenceCells(matrix, d, region, 1, 'extreme', true);
    expect(cellError(result.values, expected.values)).toBeLessThan(2e-6);
  });

  it('a zoomed region summarised into cells keeps the region offset', async () => {
    const region: MatrixRegion = { rows: [3, 36], cols: [10, 31] };
    const matrix = referenceMatrix(data, 'corr1', 'original');
    const result = await matrixCells(data, {
      view: 'corr1',
      order: 'original',
      reduce: 'extreme',
      maskDiagonal: true,
      region,
      maxCells: 4,
    });
    expect(result.cellRows).toBe(cellSize(region, 4));
    expect(result.cellRows).toBe(9);
    const expected = referenceCells(matrix, d, region, 9, 'extreme', true);
    expect(cellError(result.values, expected.values)).toBeLessThan(2e-6);
  });

  it('the overview keeps every block its extreme: a lone spike survives, with its sign', async () => {
    const spiked = randomSnapshot(40, 37, 9);
    // feature 29 of view 2 becomes minus feature 17 of view 1: C[17][29] = -1 (up to eps)
    for (let s = 0; s < spiked.n; s++) spiked.z2[s * 37 + 29] = -spiked.z1[s * 37 + 17]!;
    const matrix = referenceMatrix(spiked, 'cross');
    const result = await matrixCells(spiked, {
      view: 'cross',
      order: 'original',
      reduce: 'extreme',
      maskDiagonal: true,
      maxCells: 4,
    });
    const cell = result.cellRows;
    const at = Math.floor(17 / cell) * result.cols + Math.floor(29 / cell);
    expect(result.values[at]).toBeCloseTo(matrix[17 * 37 + 29]!, 5);
    expect(result.values[at]).toBeLessThan(-0.99);
    expect(result.min).toBe(result.values[at]);
    // every cell holds the largest |entry| of its block, so the largest |cell| is the largest |entry|
    let largest = 0;
    for (let i = 0; i < 37; i++)
      for (let j = 0; j < 37; j++) if (i !== j) largest = Math.max(largest, Math.abs(matrix[i * 37 + j]!));
    expect(Math.max(...Array.from(result.values).filter(Number.isFinite).map(Math.abs))).toBeCloseTo(
      largest,
      5,
    );
  });

  it('a difference view is this snapshot minus the other, in this snapshot order', async () => {
    const other = randomSnapshot(17, 37, 12, { permute: true });
    const a = referenceMatrix(data, 'cov1', 'permuted');
    const b = referenceMatrix({ ...other, permutation: data.permutation }, 'cov1', 'permuted');
    const difference = a.map((value, i) => value - b[i]!);
    const region: MatrixRegion = { rows: [20, 37], cols: [0, 37] };
    const result = await matrixCells(data, {
      view: 'cov1',
      order: 'permuted',
      reduce: 'rms',
      maskDiagonal: false,
      region,
      maxCells: 8,
      minus: other,
    });
    const expected = referenceCells(difference, d, region, result.cellRows, 'rms', false);
    const scale = Math.max(...Array.from(difference, Math.abs));
    expect(cellError(result.values, expected.values)).toBeLessThan(3e-6 * scale);
  });

  it('a symmetric view on a square region computes the lower cells and mirrors them; progress reaches its total', async () => {
    const other = randomSnapshot(15, 37, 13);
    const region: MatrixRegion = { rows: [4, 35], cols: [4, 35] };
    const a = referenceMatrix(data, 'corr2', 'permuted');
    const b = referenceMatrix({ ...other, permutation: data.permutation }, 'corr2', 'permuted');
    const difference = a.map((value, i) => value - b[i]!);
    const progress: [number, number][] = [];
    const result = await matrixCells(
      data,
      {
        view: 'corr2',
        order: 'permuted',
        reduce: 'extreme',
        maskDiagonal: true,
        region,
        maxCells: 11,
        minus: other,
      },
      (done, total) => progress.push([done, total]),
    );
    expect(result.cellRows).toBe(3);
    expect([result.rows, result.cols]).toEqual([11, 11]);
    const expected = referenceCells(difference, d, region, 3, 'extreme', true);
    expect(cellError(result.values, expected.values)).toBeLessThan(3e-6);
    expect(progress.length).toBeGreaterThan(1);
    const total = progress[0]![1];
    progress.forEach(([done, of], k) => {
      expect(of).toBe(total);
      if (k > 0) expect(done).toBeGreaterThanOrEqual(progress[k - 1]![0]);
    });
    expect(progress.at(-1)![0]).toBe(total);
  });

  it('rejects regions outside the matrix', async () => {
    await expect(
      matrixCells(data, {
        view: 'cross',
        order: 'original',
        reduce: 'rms',
        maskDiagonal: false,
        region: { rows: [0, 38], cols: [0, 5] },
      }),
    ).rejects.toThrow(/not inside/);
    await expect(
      matrixCells(data, {
        view: 'cross',
        order: 'original',
        reduce: 'rms',
        maskDiagonal: false,
        region: { rows: [4, 4], cols: [0, 5] },
      }),
    ).rejects.toThrow(/not inside/);
  });

  it.each([
    ['cross', 1],
    ['cross', 2],
    ['cov2', 1],
    ['corr1', 2],
  ] as [MatrixView, 1 | 2][])(
    'off-diagonal penalty of %s, q = %i (symmetric views in strips)',
    async (view, q) => {
      const matrix = referenceMatrix(data, view);
      let expected = 0;
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++) if (i !== j) expected += phi(q, matrix[i * d + j]!);
      const all = { start: 0, end: d };
      const { left, right } = matrixFactors(data, view, 'original', all, all);
      const penalty = await offDiagonalPenalty(left, right, view !== 'cross', q);
      expect(Math.abs(penalty - expected) / expected).toBeLessThan(1e-5);
    },
  );
});
