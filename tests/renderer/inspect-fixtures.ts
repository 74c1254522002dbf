import { encodeFloat32, type CaptureJob, type MatrixCells, type SnapshotSummary } from '@shared/inspect';

/** A snapshot summary of run `runId` at `step`. */
export function snapshotAt(
  runId: number,
  step: number,
  overrides: Partial<SnapshotSummary> = {},
): SnapshotSummary {
  return {
    id: runId * 1000 + step,
    runId,
    step,
    epoch: step / 10,
    source: 'training',
    createdAt: 1_700_000_000_000 + step,
    n: 64,
    d: 16,
    featureDim: 8,
    dtype: 'float32',
    bytes: 2 * 64 * 16 * 4 + 2 * 64 * 8 * 4 + 16 * 4,
    hasPermutation: true,
    probeSeed: 20230,
    ...overrides,
  };
}

/** An exact answer of `inspect:matrix` for a d x d matrix whose entries are `fill(row, col)`. */
export function matrixAnswer(
  snapshotId: number,
  d: number,
  fill: (row: number, col: number) => number,
): MatrixCells {
  const values = new Float32Array(d * d);
  for (let row = 0; row < d; row += 1)
    for (let col = 0; col < d; col += 1) values[row * d + col] = fill(row, col);
  return {
    snapshotId,
    view: 'cross',
    order: 'original',
    reduce: 'extreme',
    maskDiagonal: false,
    minusSnapshotId: null,
    d,
    region: { rows: [0, d], cols: [0, d] },
    cellRows: 1,
    cellCols: 1,
    rows: d,
    cols: d,
    values: encodeFloat32(values),
    min: Math.min(...values),
    max: Math.max(...values),
    computeMs: 5,
    cached: false,
  };
}

export function captureJob(overrides: Partial<CaptureJob> = {}): CaptureJob {
  return {
    id: 1,
    runId: 1,
    checkpointStep: 40,
    status: 'running',
    stage: 'loading',
    done: 0,
    total: 3,
    error: null,
    snapshotId: null,
    ...overrides,
  };
}
