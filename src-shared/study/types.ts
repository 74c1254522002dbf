/**
 * The vocabulary of studies (issue 14): a named group of runs made from one base configuration, a
 * grid of changes (axes) and a number of seeds, stored in SQLite with its runs linked to it, and
 * the paper-shaped report computed from those runs. Shared by the store, the services, the CLI and
 * the Studies pages.
 */
import type { RunConfig, RunConfigInput } from '../config/run-config';
import type { EvaluationSettings, RunStatus, RunSummary } from '../runs';

/**
 * A value an axis takes: a scalar for a leaf field (`model.projectorOutputDim` = 2048), or an
 * object that replaces a whole section (`loss` = { name: 'fft-bt', permutation: 'none' }), which is
 * how a study compares methods that need their own hyperparameters.
 */
export type AxisValue = string | number | boolean | { [key: string]: unknown };

export interface StudyAxis {
  /** A dotted path into the run configuration (`loss.name`, `loss.permutation`), or a section (`loss`). */
  field: string;
  values: AxisValue[];
  /** What each value is called in tables and run names (same length), e.g. `sBT (no perm.)`; derived when absent. */
  labels?: string[];
}

/** What a study queues for each of its runs when it completes (issue 14, item 2). */
export interface StudyEvaluationPlan {
  /** An offline linear evaluation of the run's final checkpoint. */
  linear: boolean;
  /** A kNN sweep (k x temperature grid) of the same checkpoint, queued after the linear one. */
  knnSweep: boolean;
  /** Linear-evaluation settings over the defaults (spec section 9). */
  linearSettings: Partial<EvaluationSettings>;
}

/** What the user asks for: parsed by `studySpecSchema` (src-shared/study/spec-schema.ts). */
export interface StudySpec {
  name: string;
  description: string;
  /** The base configuration every run starts from (a run config as a user writes it). */
  base: RunConfigInput;
  axes: StudyAxis[];
  /** K: every cell of the grid runs with seeds seedStart .. seedStart + K - 1. */
  seeds: number;
  seedStart: number;
  evaluation: StudyEvaluationPlan;
}

/** One run of the grid: a value per axis and a seed. */
export interface StudyPoint {
  /** The axis values by field, in the order of the axes. */
  values: Record<string, AxisValue>;
  /** The label of each value, by field. */
  labels: Record<string, string>;
  seed: number;
}

export interface StudyPreviewRun {
  point: StudyPoint;
  /** e.g. `paper-fashion-mnist · loss=sBT · seed 1` */
  name: string;
  /** The validated configuration with defaults; null when it is invalid. */
  config: RunConfig | null;
  /** Why it is invalid (`loss.blockSize: Block size must be at most ...`); empty when valid. */
  issues: string[];
}

export interface StudyEstimate {
  /** One run's expected training time (ms); null when nothing to estimate from. */
  perRunMs: number | null;
  /** All runs one after the other. */
  totalMs: number | null;
  /** Wall time with the supervisor's concurrency. */
  wallMs: number | null;
  /** `history`: step times of earlier runs of the same shape; `measured`: a quick measurement. */
  source: 'history' | 'measured' | 'none';
  /** What it was based on, e.g. "step time 265 ms from run 12 (small-cnn, d 512, batch 64)". */
  detail: string;
}

export interface StudyPreview {
  runs: StudyPreviewRun[];
  /** Every run is valid (nothing is written otherwise). */
  valid: boolean;
  estimate: StudyEstimate;
}

/**
 * A study's state from its runs: `created` (nothing queued yet), `running` (some queued or
 * running), `completed` (all completed), `failed` (none active, some failed), `stopped` (none
 * active, some stopped or interrupted, none failed).
 */
export const STUDY_STATES = ['created', 'running', 'completed', 'failed', 'stopped'] as const;
export type StudyState = (typeof STUDY_STATES)[number];

export interface StudyEvaluationCounts {
  /** Evaluations the plan asks for over the study's runs so far. */
  planned: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
}

export interface StudySummary {
  id: number;
  name: string;
  description: string;
  createdAt: number;
  axes: StudyAxis[];
  seeds: number;
  seedStart: number;
  evaluation: StudyEvaluationPlan;
  /** Runs by status, and `total`. */
  counts: Record<RunStatus, number> & { total: number };
  state: StudyState;
  evaluations: StudyEvaluationCounts;
  /** Time left at the step rate of its runs (ms), when some run; null otherwise. */
  etaMs: number | null;
  /** The cluster profile its runs are placed on (issue 15); absent or null: this machine. */
  profileName?: string | null;
}

export interface StudyRun {
  run: RunSummary;
  point: StudyPoint;
}

export interface StudyDetail extends StudySummary {
  base: RunConfigInput;
  runs: StudyRun[];
}

/** A named study to start from (`study create --base paper-fashion-mnist`). */
export interface StudyPreset {
  name: string;
  /** What it compares and why its sizes (d, epochs, seeds) were chosen. */
  description: string;
  spec: StudySpec;
}

/** mean +/- sample std over n runs (std 0 when n = 1). */
export interface ReportStat {
  mean: number;
  std: number;
  n: number;
}

/** One row of the paper-shaped report: one grid cell over its seeds. */
export interface StudyReportRow {
  /** e.g. `sBT`, `sBT (no perm.)`, `VICReg`: from the loss name, b and permutation. */
  method: string;
  lossName: string;
  /** Block size b (d when the loss uses one block); null for the exact losses. */
  blockSize: number | null;
  /** null for the exact losses. */
  permutation: 'batch' | 'none' | null;
  d: number;
  /** The row's axis labels by field (besides the method), for studies with other axes. */
  labels: Record<string, string>;
  runIds: number[];
  /** Runs of the cell that completed (the statistics use only these). */
  completed: number;
  /** kNN top-1 (%) at initialisation (step 0) and at the end. */
  knnInit: ReportStat | null;
  knnFinal: ReportStat | null;
  /** Offline linear top-1 (%), when evaluated. */
  linear: ReportStat | null;
  /** Median step time of each run (ms). */
  stepMs: ReportStat | null;
  /** The loss's forward + backward time (ms), measured once per run. */
  lossMs: ReportStat | null;
  /** The exact loss's time at the same d (same family) over this one's; null without it. */
  speedup: ReportStat | null;
}

export interface StudyReport {
  studyId: number;
  name: string;
  rows: StudyReportRow[];
  /** Computed from the rows, e.g. "sBT is within 0.4 points of BT (kNN top-1) at 1.3x lower loss time". */
  verdict: string[];
  /** What is missing, e.g. "2 runs have not completed". */
  notes: string[];
}
