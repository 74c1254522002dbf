/**
 * The vocabulary of run comparison, shared by the store, the services, the CLI and the
 * Compare page: what a list query asks for, what a reduced series carries, what a summary row
 * holds and what a saved comparison stores.
 */
import type { RunConfig } from './config/run-config';
import type { EvaluationSummary, RunStatus, RunSummary } from './runs';

/** Columns the runs list can be sorted by (server side, one query). */
export const RUN_SORT_FIELDS = [
  'id',
  'name',
  'status',
  'loss',
  'createdAt',
  'knnTop1',
  'trainingMs',
] as const;
export type RunSortField = (typeof RUN_SORT_FIELDS)[number];

export interface RunQuery {
  /** Free text matched against name, status, loss name, backbone, tags and notes (case-insensitive). */
  filter?: string;
  status?: RunStatus[];
  /** Runs carrying every one of these tags. */
  tags?: string[];
  sort: RunSortField;
  direction: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface RunPage {
  /** How many runs match the query (all pages). */
  total: number;
  runs: RunSummary[];
}

/** The x-axes a comparison can plot against; all derive from the step. */
export const X_AXES = ['step', 'epoch', 'wallTime', 'samples'] as const;
export type XAxis = (typeof X_AXES)[number];

/**
 * One run's metric reduced for a chart: at most about `points` points between `fromStep` and
 * `toStep`, keeping each bucket's first, last, minimum and maximum (M4), so no spike is lost;
 * exact (every point) when the range holds fewer points than asked.
 */
export interface ReducedSeries {
  runId: number;
  name: string;
  steps: number[];
  /** `null` where the value was not finite. */
  values: (number | null)[];
  /** Points the run stored in the range, before reduction. */
  totalPoints: number;
  reduced: boolean;
}

/**
 * How to map a run's steps to the other x-axes: the epoch and samples seen follow from the
 * configuration; wall time from the step times the run recorded, summed over its segments
 * (pauses between a stop and a resume do not count).
 */
export interface RunClock {
  runId: number;
  stepsPerEpoch: number;
  batchSize: number;
  /** Step -> training time since the run's first step (ms), reduced like a series (monotonic). */
  steps: number[];
  trainingMs: number[];
}

export interface MetricRange {
  series: ReducedSeries[];
  clocks: RunClock[];
}

/** One row of the comparison's summary table; null where the run has no such figure (yet). */
export interface CompareRow {
  runId: number;
  name: string;
  status: RunStatus;
  tags: string[];
  backend: string | null;
  device: string | null;
  steps: number;
  totalSteps: number | null;
  trainingMs: number | null;
  /** The last logged loss; final only when the run completed. */
  loss: number | null;
  knnTop1Initial: number | null;
  knnTop1Final: number | null;
  probeTop1: number | null;
  medianStepMs: number | null;
  /** The loss's share of the step time, 0..1, where the run measured it. */
  lossShare: number | null;
  peakRssBytes: number | null;
  config: RunConfig;
  evaluations: EvaluationSummary[];
}

/** What a saved comparison stores: the same state the Compare page keeps in its URL. */
export interface CompareState {
  runIds: number[];
  metrics: string[];
  xAxis: XAxis;
  /** EMA weight 0..0.99 (TensorBoard's debiased smoothing). */
  smoothing: number;
  logY: boolean;
  ignoreOutliers: boolean;
  groupBy: string[];
  band: 'minmax' | 'std' | 'ci95';
}

export interface SavedComparison {
  id: number;
  name: string;
  state: CompareState;
  createdAt: number;
  updatedAt: number;
}

/** Limits the API enforces (and the Compare page respects). */
export const COMPARE_LIMITS = {
  maxRuns: 200,
  maxMetrics: 50,
  maxPoints: 20_000,
  maxTags: 32,
  maxTagLength: 40,
  maxNotesLength: 10_000,
} as const;
