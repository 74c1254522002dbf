import {
  MATRIX_VIEWS,
  OVERVIEW_REDUCTIONS,
  type MatrixOrder,
  type MatrixRegion,
  type MatrixView,
  type OverviewReduction,
} from '@shared/inspect';
import type { QueryValue } from './compare-state';

/** The three orderings the Inspect tab offers: the API's two, and the permuted one with its block grid. */
export const INSPECT_ORDERINGS = ['original', 'permuted', 'blocks'] as const;
export type InspectOrdering = (typeof INSPECT_ORDERINGS)[number];

export const INSPECT_ORDERING_LABELS: Readonly<Record<InspectOrdering, string>> = {
  original: 'original',
  permuted: 'permuted',
  blocks: 'permuted + blocks',
};

/** What the Inspect tab shows; all of it lives in the URL so a view can be shared. */
export interface InspectState {
  /** The snapshot's step; null: the newest. */
  step: number | null;
  /** Which snapshot of that step, when a run has two (one taken in training, one from its checkpoint). */
  snapshotId: number | null;
  view: MatrixView;
  ordering: InspectOrdering;
  reduce: OverviewReduction;
  maskDiagonal: boolean;
  /** The zoomed region; null: the whole matrix. */
  region: MatrixRegion | null;
  /** Side by side: another run (null: this one) ... */
  withRun: number | null;
  /** ... at this step (null: the step shown, or the other run's nearest one). */
  withStep: number | null;
  /** Side by side is open. */
  side: boolean;
  /** The block pair open in the summary panel. */
  pair: [number, number] | null;
}

export const DEFAULT_INSPECT_STATE: InspectState = {
  step: null,
  snapshotId: null,
  view: 'cross',
  ordering: 'original',
  reduce: 'extreme',
  maskDiagonal: false,
  region: null,
  withRun: null,
  withStep: null,
  side: false,
  pair: null,
};

/** The API's order for an ordering. */
export function matrixOrder(ordering: InspectOrdering): MatrixOrder {
  return ordering === 'original' ? 'original' : 'permuted';
}

function first(value: QueryValue): string | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' ? item : undefined;
}

function count(value: QueryValue): number | null {
  const text = first(value);
  if (text === undefined || !/^\d+$/u.test(text)) return null;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : null;
}

function oneOf<T extends string>(value: QueryValue, options: readonly T[], fallback: T): T {
  const text = first(value);
  return (options as readonly string[]).includes(text ?? '') ? (text as T) : fallback;
}

/** `a-b` with a < b, non-negative integers. */
function range(value: QueryValue): [number, number] | null {
  const match = /^(\d+)-(\d+)$/u.exec(first(value) ?? '');
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return start < end ? [start, end] : null;
}

/** Lenient, as the Compare page's: whatever a hand-edited link gets wrong falls back to the default. */
export function parseInspectQuery(query: Record<string, QueryValue>): InspectState {
  const rows = range(query.rows);
  const cols = range(query.cols);
  const pair = /^(\d+),(\d+)$/u.exec(first(query.pair) ?? '');
  const runNumber = count(query.with);
  const withRun = runNumber !== null && runNumber > 0 ? runNumber : null;
  const withStep = count(query.withStep);
  return {
    step: count(query.step),
    snapshotId: count(query.snapshot) || null,
    view: oneOf(query.view, MATRIX_VIEWS, 'cross'),
    ordering: oneOf(query.order, INSPECT_ORDERINGS, 'original'),
    reduce: oneOf(query.reduce, OVERVIEW_REDUCTIONS, 'extreme'),
    maskDiagonal: first(query.mask) === '1',
    region: rows && cols ? { rows, cols } : null,
    withRun,
    withStep,
    side: first(query.side) === '1' || withRun !== null || withStep !== null,
    pair: pair ? [Number(pair[1]), Number(pair[2])] : null,
  };
}

/** The query of a state; defaults are left out so links stay short. */
export function toInspectQuery(state: InspectState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.step !== null) query.step = String(state.step);
  if (state.step !== null && state.snapshotId !== null) query.snapshot = String(state.snapshotId);
  if (state.view !== 'cross') query.view = state.view;
  if (state.ordering !== 'original') query.order = state.ordering;
  if (state.reduce !== 'extreme') query.reduce = state.reduce;
  if (state.maskDiagonal) query.mask = '1';
  if (state.region) {
    query.rows = state.region.rows.join('-');
    query.cols = state.region.cols.join('-');
  }
  if (state.side) query.side = '1';
  if (state.side && state.withRun !== null) query.with = String(state.withRun);
  if (state.side && state.withStep !== null) query.withStep = String(state.withStep);
  if (state.pair) query.pair = state.pair.join(',');
  return query;
}

/** The snapshot of `steps` nearest to `step` (the newest on a tie), or null when there are none. */
export function nearestStep(steps: readonly number[], step: number | null): number | null {
  if (steps.length === 0) return null;
  if (step === null) return steps[steps.length - 1]!;
  let best = steps[0]!;
  for (const candidate of steps) if (Math.abs(candidate - step) <= Math.abs(best - step)) best = candidate;
  return best;
}
