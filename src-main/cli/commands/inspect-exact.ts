import { AppFailure } from '@shared/errors';
import { INSPECT_LIMITS, type MatrixCells, type MatrixRegion, type SnapshotSummary } from '@shared/inspect';
import { decodeFloat32Fast } from '../../services/inspect/base64';
import type { InspectComputer } from '../../services/inspect/compute';
import { checkMatrixRequest, matrixKey, type MatrixInput } from '../../services/inspect/view-keys';

/** The most values `--exact` writes (256 MiB of float32): a 8192 x 8192 region. */
export const MAX_EXACT_VALUES = 8192 * 8192;

/**
 * Every entry of a region of any size, exactly, for files (the API's answers stop at 512 x 512):
 * the region is computed in exact tiles of that size and stitched, so memory is the output's
 * plus one tile's, never the d x d matrix's unless asked for all of it.
 */
export async function exactRegion(
  computer: InspectComputer,
  snapshot: SnapshotSummary,
  input: MatrixInput,
  onTile: (done: number, total: number) => void,
): Promise<{ cells: MatrixCells; values: Float32Array }> {
  const minus = input.minusSnapshotId === undefined ? undefined : computer.summaryOf(input.minusSnapshotId);
  const region = checkMatrixRequest(input, snapshot, minus);
  const [r0, r1] = region.rows;
  const [c0, c1] = region.cols;
  const rows = r1 - r0;
  const cols = c1 - c0;
  if (rows * cols > MAX_EXACT_VALUES)
    throw new AppFailure(
      'invalid-input',
      `--exact writes at most ${MAX_EXACT_VALUES.toLocaleString('en')} values (e.g. 8192 x 8192); rows [${r0}, ${r1}) x columns [${c0}, ${c1}) are ${(rows * cols).toLocaleString('en')}: give a smaller --region, or leave out --exact for an overview`,
    );
  const side = INSPECT_LIMITS.maxCells;
  const values = new Float32Array(rows * cols);
  const total = Math.ceil(rows / side) * Math.ceil(cols / side);
  let done = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let top = r0; top < r1; top += side)
    for (let left = c0; left < c1; left += side) {
      const tileRegion: MatrixRegion = {
        rows: [top, Math.min(top + side, r1)],
        cols: [left, Math.min(left + side, c1)],
      };
      const tileInput = { ...input, region: tileRegion, maxCells: side };
      const tile = await computer.compute(matrixKey(tileInput, tileRegion), { kind: 'matrix', ...tileInput });
      const tileValues = decodeFloat32Fast(tile.values);
      for (let i = 0; i < tile.rows; i++)
        values.set(
          tileValues.subarray(i * tile.cols, (i + 1) * tile.cols),
          (top - r0 + i) * cols + (left - c0),
        );
      if (tile.min < min) min = tile.min;
      if (tile.max > max) max = tile.max;
      onTile(++done, total);
    }
  const cells: MatrixCells = {
    snapshotId: snapshot.id,
    view: input.view,
    order: input.order,
    reduce: input.reduce,
    maskDiagonal: input.maskDiagonal,
    minusSnapshotId: input.minusSnapshotId ?? null,
    d: snapshot.d,
    region,
    cellRows: 1,
    cellCols: 1,
    rows,
    cols,
    values: '',
    min: min <= max ? min : 0,
    max: min <= max ? max : 0,
    computeMs: 0,
    cached: false,
  };
  return { cells, values };
}
