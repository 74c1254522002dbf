/**
 * The paper-shaped report of a study (issue 14, item 4): one row per grid cell over its seeds,
 * with kNN and linear top-1, step and loss time as mean +/- sample std over the completed runs,
 * the speed-up against the exact loss of the same d, and verdict sentences computed from those
 * numbers. Pure: the main process gathers each run's figures (report-data.ts), this aggregates.
 */
import type { LossConfig, RunConfig } from '../config/run-config';
import { describeSample } from '../compare/statistics';
import type { RunStatus } from '../runs';
import type { ReportStat, StudyAxis, StudyPoint, StudyReport, StudyReportRow } from './types';
import { EXACT_COUNTERPART, rowGroupKey } from './report-keys';
import { reportNotes } from './report-notes';
import { reportVerdict } from './report-verdict';

/** One run's figures, as stored: accuracies are shares in [0, 1] (the report shows percent). */
export interface ReportRunInput {
  runId: number;
  status: RunStatus;
  config: RunConfig;
  point: StudyPoint;
  /** kNN top-1 at initialisation (results.initialKnnTop1). */
  knnInit: number | null;
  /** kNN top-1 at the end of training (results.finalKnnTop1). */
  knnFinal: number | null;
  /** The newest completed offline linear evaluation's top-1. */
  linearTop1: number | null;
  /** A linear evaluation of the run is queued or running (the notes say it is on its way, not missing). */
  linearPending?: boolean;
  /** The median of the run's step times (ms). */
  stepMs: number | null;
  /** The loss alone, forward + backward (ms). */
  lossMs: number | null;
}

export interface ReportInput {
  studyId: number;
  name: string;
  /** The study's axes: rows follow their value order; without them, the order of the first run of each cell. */
  axes?: readonly StudyAxis[];
  runs: readonly ReportRunInput[];
}

const FAMILY_NAMES: Record<LossConfig['name'], string> = {
  bt: 'BT',
  vicreg: 'VICReg',
  'fft-bt': 'sBT',
  'fft-vicreg': 'sVICReg',
};

/** Axes the method and d columns already show; the others become the row's labels. */
function isMethodField(field: string): boolean {
  return field === 'loss' || field.startsWith('loss.') || field === 'model.projectorOutputDim';
}

/**
 * The q of the paper's runs (shared/spec/losses.md: sBT keeps q = 2, sVICReg always uses q = 1):
 * a method is named with its q only when it departs from this.
 */
const PAPER_Q: Record<'fft-bt' | 'fft-vicreg', number> = { 'fft-bt': 2, 'fft-vicreg': 1 };

/** `BT`, `sBT`, `sBT (b=64)`, `sBT (no perm.)`, `sVICReg (b=64, no perm., q=2)`. */
export function methodName(loss: LossConfig, d: number): string {
  const family = FAMILY_NAMES[loss.name];
  if (loss.name === 'bt' || loss.name === 'vicreg') return family;
  const qualifiers: string[] = [];
  const b = loss.blockSize ?? d;
  if (b !== d) qualifiers.push(`b=${b}`);
  if (loss.permutation === 'none') qualifiers.push('no perm.');
  if (loss.q !== PAPER_Q[loss.name]) qualifiers.push(`q=${loss.q}`);
  return qualifiers.length ? `${family} (${qualifiers.join(', ')})` : family;
}

/** mean +/- sample std (0 for one value) of the finite values; null when there are none. */
export function reportStat(values: readonly (number | null)[]): ReportStat | null {
  const sample = describeSample(values);
  return sample && { mean: sample.mean, std: sample.std ?? 0, n: sample.n };
}

const percent = (value: number | null): number | null => (value === null ? null : value * 100);

const valueKey = (value: unknown): string => JSON.stringify(value);

/** Where a cell sorts: the index of its value on each axis, in the axes' order. */
function cellOrder(point: StudyPoint, axes: readonly StudyAxis[]): number[] {
  return axes.map((axis) => {
    const key = valueKey(point.values[axis.field]);
    const index = axis.values.findIndex((value) => valueKey(value) === key);
    return index < 0 ? axis.values.length : index;
  });
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return a[index]! - b[index]!;
  }
  return a.length - b.length;
}

interface Cell {
  row: StudyReportRow;
  order: number[];
  firstRunId: number;
  completedRuns: ReportRunInput[];
}

function newRow(run: ReportRunInput, axes: readonly StudyAxis[] | undefined): StudyReportRow {
  const { loss, model } = run.config;
  const d = model.projectorOutputDim;
  const relaxed = loss.name === 'fft-bt' || loss.name === 'fft-vicreg';
  const fields = axes ? axes.map((axis) => axis.field) : Object.keys(run.point.values);
  const labels: Record<string, string> = {};
  for (const field of fields) {
    if (isMethodField(field) || !(field in run.point.values)) continue;
    labels[field] = run.point.labels[field] ?? String(valueKey(run.point.values[field]));
  }
  return {
    method: methodName(loss, d),
    lossName: loss.name,
    blockSize: relaxed ? (loss.blockSize ?? d) : null,
    permutation: relaxed ? loss.permutation : null,
    d,
    labels,
    runIds: [],
    completed: 0,
    knnInit: null,
    knnFinal: null,
    linear: null,
    stepMs: null,
    lossMs: null,
    speedup: null,
  };
}

/**
 * The speed-up over paired seeds: for each seed completed in both cells with a loss time, the
 * exact loss's time over this one's; the statistic is over those ratios (so n counts pairs). Null
 * when no seed pairs up. The exact row against itself gives 1.
 */
function pairedSpeedup(exact: Cell, cell: Cell): ReportStat | null {
  const exactBySeed = new Map<number, number>();
  for (const run of exact.completedRuns) {
    if (run.lossMs !== null && run.lossMs > 0) exactBySeed.set(run.point.seed, run.lossMs);
  }
  const ratios: number[] = [];
  for (const run of cell.completedRuns) {
    const reference = exactBySeed.get(run.point.seed);
    if (reference !== undefined && run.lossMs !== null && run.lossMs > 0) ratios.push(reference / run.lossMs);
  }
  return reportStat(ratios);
}

export function buildStudyReport(input: ReportInput): StudyReport {
  const cells = new Map<string, Cell>();
  for (const run of [...input.runs].sort((a, b) => a.runId - b.runId)) {
    const row = newRow(run, input.axes);
    const values = Object.entries(run.point.values);
    // The method and d join the key: runs without a recorded point still separate by method.
    const key = valueKey([values, row.method, row.d]);
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        row,
        order: input.axes ? cellOrder(run.point, input.axes) : [],
        firstRunId: run.runId,
        completedRuns: [],
      };
      cells.set(key, cell);
    }
    cell.row.runIds.push(run.runId);
    if (run.status === 'completed') cell.completedRuns.push(run);
  }
  const ordered = [...cells.values()].sort(
    (a, b) => compareOrder(a.order, b.order) || a.firstRunId - b.firstRunId,
  );
  for (const cell of ordered) {
    const runs = cell.completedRuns;
    Object.assign(cell.row, {
      completed: runs.length,
      knnInit: reportStat(runs.map((run) => percent(run.knnInit))),
      knnFinal: reportStat(runs.map((run) => percent(run.knnFinal))),
      linear: reportStat(runs.map((run) => percent(run.linearTop1))),
      stepMs: reportStat(runs.map((run) => run.stepMs)),
      lossMs: reportStat(runs.map((run) => run.lossMs)),
    });
  }
  for (const cell of ordered) {
    const { row } = cell;
    const exact = ordered.find(
      (other) =>
        other.row.lossName === EXACT_COUNTERPART[row.lossName] && rowGroupKey(other.row) === rowGroupKey(row),
    );
    row.speedup = exact ? pairedSpeedup(exact, cell) : null;
  }
  const rows = ordered.map((cell) => cell.row);
  return {
    studyId: input.studyId,
    name: input.name,
    rows,
    verdict: reportVerdict(rows),
    notes: reportNotes(rows, input.runs),
  };
}
