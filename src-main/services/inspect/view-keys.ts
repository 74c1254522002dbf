import type { ParsedCallInput } from '@shared/api/contract';
import { lossFamilyOf } from '@shared/config/augmentation-rule';
import { AppFailure } from '@shared/errors';
import { MATRIX_VIEW_LABELS, type MatrixRegion, type SnapshotSummary } from '@shared/inspect';

/**
 * Canonical names of derived views, the keys of the view cache (`snapshot_views`) and of the
 * in-memory cache, and the checks a request gets before anything is computed. The version tag
 * changes when a view's computation changes, so stale cached bytes are never read back.
 */
const VERSION = 'v1';

export type MatrixInput = ParsedCallInput<'inspect:matrix'>;

/** The region a matrix request asks for, with the whole matrix as the default. */
export function resolveRegion(input: Pick<MatrixInput, 'region'>, d: number): MatrixRegion {
  return input.region
    ? { rows: [...input.region.rows], cols: [...input.region.cols] }
    : { rows: [0, d], cols: [0, d] };
}

function describeRange(
  which: 'rows' | 'columns',
  [start, end]: [number, number],
  d: number,
): string | undefined {
  if (start >= end)
    return `The region's ${which} [${start}, ${end}) are empty: give [start, end) with start < end`;
  if (end > d)
    return `The region's ${which} [${start}, ${end}) reach past the matrix: this snapshot has d = ${d}, so ${which} run from 0 to ${d} (end exclusive)`;
  return undefined;
}

/**
 * Checks a matrix request against its snapshot (and the subtracted one): the region inside
 * d x d, equal d for a difference. (The permuted order of a snapshot without a permutation is
 * the original one: the renderer asks for it whenever it draws the block grid.)
 */
export function checkMatrixRequest(
  input: MatrixInput,
  snapshot: SnapshotSummary,
  minus: SnapshotSummary | undefined,
): MatrixRegion {
  const region = resolveRegion(input, snapshot.d);
  const problem =
    describeRange('rows', region.rows, snapshot.d) ?? describeRange('columns', region.cols, snapshot.d);
  if (problem) throw new AppFailure('invalid-input', problem, { region: problem });
  if (input.minusSnapshotId !== undefined) {
    if (!minus) throw new AppFailure('not-found', `Snapshot ${input.minusSnapshotId} does not exist`);
    if (minus.d !== snapshot.d)
      throw new AppFailure(
        'invalid-input',
        `Cannot subtract snapshot ${minus.id} (d = ${minus.d}) from snapshot ${snapshot.id} (d = ${snapshot.d}): the ${MATRIX_VIEW_LABELS[input.view]} matrices differ in size`,
      );
  }
  return region;
}

export function matrixKey(input: MatrixInput, region: MatrixRegion): string {
  const { view, order, reduce, maskDiagonal, maxCells, minusSnapshotId } = input;
  const area = `${region.rows[0]}-${region.rows[1]}x${region.cols[0]}-${region.cols[1]}`;
  return `matrix:${VERSION}:${view}:${order}:${reduce}:${maskDiagonal ? 'masked' : 'diag'}:${minusSnapshotId ?? '-'}:${area}:${maxCells}`;
}

/**
 * Requests whose newer copies make older, still queued ones pointless, and how many of them stay
 * queued: zoomed regions of one snapshot's picture (panning: the newest only), and whole-matrix
 * overviews of one run's snapshots in one picture (scrubbing or playing through steps: the two
 * newest, since side by side shows two steps of a run at once).
 */
export function matrixSlot(
  input: MatrixInput,
  region: MatrixRegion,
  snapshot: Pick<SnapshotSummary, 'runId' | 'd'>,
): { slot: string; slotKeep: number } {
  const { d } = snapshot;
  const whole = region.rows[0] === 0 && region.rows[1] === d && region.cols[0] === 0 && region.cols[1] === d;
  const { snapshotId, view, order, reduce, maskDiagonal, minusSnapshotId, maxCells } = input;
  const picture = `${view}:${order}:${reduce}:${maskDiagonal}:${minusSnapshotId ?? '-'}`;
  return whole
    ? { slot: `overview:run${snapshot.runId}:${picture}:${maxCells}`, slotKeep: 2 }
    : { slot: `zoom:${snapshotId}:${picture}`, slotKeep: 1 };
}

/** Only whole-matrix overviews are kept in the database: tiles are quick to recompute and many. */
export function isPersistedMatrix(region: MatrixRegion, d: number): boolean {
  return region.rows[0] === 0 && region.rows[1] === d && region.cols[0] === 0 && region.cols[1] === d;
}

/** The summaries of a BT-family run are of C whatever view is asked: one key for them. */
function summaryViewOf(lossName: string, view: 'cov1' | 'cov2'): string {
  return lossFamilyOf(lossName) === 'bt' ? 'cross' : view;
}

export function summaryKey(lossName: string, view: 'cov1' | 'cov2'): string {
  return `summary:${VERSION}:${summaryViewOf(lossName, view)}`;
}

export function pairKey(lossName: string, view: 'cov1' | 'cov2', g: number, h: number): string {
  return `pair:${VERSION}:${summaryViewOf(lossName, view)}:${g},${h}`;
}

export function spectrumKey(): string {
  return `spectrum:${VERSION}`;
}
