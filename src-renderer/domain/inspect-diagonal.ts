/**
 * The wrapped diagonals the relaxed loss sums (spec sections 4-6): for a b x b block, lag k
 * collects the entries (j, (j + k) mod b), j = 0..b-1, into r[k].
 */

/** The entries (row, column) of lag k's wrapped diagonal in a b x b block, in block coordinates. */
export function wrappedDiagonalEntries(blockSize: number, lag: number): [number, number][] {
  const k = ((lag % blockSize) + blockSize) % blockSize;
  return Array.from({ length: blockSize }, (_, j) => [j, (j + k) % blockSize] as [number, number]);
}

/**
 * The same entries as at most two straight runs of cells, for drawing at any zoom: rows
 * [rowStart, rowStart + length) with columns from colStart up (the part above the wrap, then
 * the part that wrapped around to column 0).
 */
export function wrappedDiagonalRuns(
  blockSize: number,
  lag: number,
): { rowStart: number; colStart: number; length: number }[] {
  const k = ((lag % blockSize) + blockSize) % blockSize;
  const runs = [{ rowStart: 0, colStart: k, length: blockSize - k }];
  if (k > 0) runs.push({ rowStart: blockSize - k, colStart: 0, length: k });
  return runs;
}

/** Multiples of b strictly inside (start, end): where the block grid draws its lines. */
export function blockGridLines(blockSize: number, start: number, end: number): number[] {
  if (!(blockSize > 0)) return [];
  const lines: number[] = [];
  for (let line = (Math.floor(start / blockSize) + 1) * blockSize; line < end; line += blockSize)
    lines.push(line);
  return lines;
}
