import { describe, expect, it } from 'vitest';
import {
  blockGridLines,
  wrappedDiagonalEntries,
  wrappedDiagonalRuns,
} from '../../src-renderer/domain/inspect-diagonal';

/** The entries the runs cover, in row order. */
function entriesOfRuns(blockSize: number, lag: number): [number, number][] {
  return wrappedDiagonalRuns(blockSize, lag)
    .flatMap((run) =>
      Array.from({ length: run.length }, (_, j) => [run.rowStart + j, run.colStart + j] as [number, number]),
    )
    .sort((a, b) => a[0] - b[0]);
}

describe('the wrapped diagonals of a block', () => {
  it('lists (j, (j + k) mod b)', () => {
    expect(wrappedDiagonalEntries(4, 0)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(wrappedDiagonalEntries(4, 3)).toEqual([
      [0, 3],
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
    expect(wrappedDiagonalEntries(4, -1)).toEqual(wrappedDiagonalEntries(4, 3));
  });

  it('draws them as at most two straight runs covering exactly those entries', () => {
    for (const blockSize of [1, 2, 5, 16]) {
      for (let lag = 0; lag < blockSize; lag += 1) {
        expect(entriesOfRuns(blockSize, lag)).toEqual(wrappedDiagonalEntries(blockSize, lag));
        expect(wrappedDiagonalRuns(blockSize, lag)).toHaveLength(lag === 0 ? 1 : 2);
      }
    }
  });

  it('every entry of a block lies on exactly one lag', () => {
    const seen = new Map<string, number>();
    for (let lag = 0; lag < 6; lag += 1) {
      for (const [row, col] of wrappedDiagonalEntries(6, lag))
        seen.set(`${row},${col}`, (seen.get(`${row},${col}`) ?? 0) + 1);
    }
    expect(seen.size).toBe(36);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('puts the block grid at multiples of b inside the view', () => {
    expect(blockGridLines(64, 0, 256)).toEqual([64, 128, 192]);
    expect(blockGridLines(64, 100.5, 200)).toEqual([128, 192]);
    expect(blockGridLines(256, 0, 256)).toEqual([]);
    expect(blockGridLines(0, 0, 10)).toEqual([]);
  });
});
