/**
 * The vocabulary of cost studies (issue 14, item 3): the loss's forward + backward time and peak
 * memory against d, measured in a worker on one backend and stored with the machine it ran on, so
 * curves from different backends or machines (imported) can be compared.
 */
import type { BackendChoice, LossName } from '../config/run-config';
import type { GpuAdapterInfo } from '../gpu';

/** A block size choice: `d` (one block, b = d) or a fixed b (capped at d). */
export type CostBlockSize = 'd' | number;

export interface CostStudySettings {
  name: string;
  losses: LossName[];
  /** For the relaxed losses: each choice makes its own curve. Ignored for the exact ones. */
  blockSizes: CostBlockSize[];
  q: 1 | 2;
  permutation: boolean;
  /** Batch size n of the embeddings. */
  n: number;
  /** The d values, e.g. 512 .. 32768 doubling. */
  dims: number[];
  backend: BackendChoice;
  /** Timed repetitions per point (the median is kept) after `warmup` untimed ones. */
  repeats: number;
  warmup: number;
  /** Also time the whole training step with this backbone (projector d x d) at batch n; null: the loss alone. */
  step: { backbone: string } | null;
}

export const COST_STUDY_STATUSES = ['queued', 'running', 'completed', 'failed', 'stopped'] as const;
export type CostStudyStatus = (typeof COST_STUDY_STATUSES)[number];

/** `study`: a cost-study job; `bench`: `bench loss --save`; `import`: from another machine's export. */
export type CostStudySource = 'study' | 'bench' | 'import';

export type CostPointStatus = 'ok' | 'oom' | 'error' | 'skipped';

export interface CostPoint {
  kind: 'loss' | 'step';
  loss: LossName;
  /** b of a relaxed loss (= d for one block); null for the exact losses. */
  blockSize: number | null;
  d: number;
  n: number;
  status: CostPointStatus;
  /** Median forward + backward time (ms), and the spread of the repetitions. */
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Peak bytes the point held (device memory on webgpu/tensorflow, tfjs bytes on wasm/cpu). */
  peakBytes: number | null;
  repeats: number;
  /** Why a point is `oom`, `error` or `skipped`. */
  message: string | null;
}

export interface CostEnvironment {
  hostname: string;
  platform: string;
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  backend: string;
  /** e.g. "NVIDIA H200 (Vulkan)", "single-thread SIMD". */
  device: string | null;
  adapter: GpuAdapterInfo | null;
  appVersion: string;
}

export interface CostStudySummary {
  id: number;
  name: string;
  status: CostStudyStatus;
  source: CostStudySource;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  settings: CostStudySettings;
  environment: CostEnvironment | null;
  progress: { done: number; total: number; current: string | null };
  error: string | null;
}

/** A least-squares line through log(d), log(value) of one curve's `ok` points. */
export interface CostFit {
  /** The curve: `${loss}` or `${loss} b=${b}` / `b=d`, and kind. */
  series: string;
  kind: 'loss' | 'step';
  measure: 'time' | 'memory';
  slope: number;
  /** r^2 of the fit. */
  r2: number;
  points: number;
}

/** Where a relaxed curve drops below the exact one of its family (interpolated in log-log). */
export interface CostCrossover {
  relaxed: string;
  exact: string;
  measure: 'time' | 'memory';
  /** null when it never crosses in the measured range. */
  d: number | null;
  /** e.g. "cheaper at every measured d" or "never cheaper up to d = 32768". */
  note: string;
}

export interface CostStudyDetail extends CostStudySummary {
  points: CostPoint[];
  fits: CostFit[];
  crossovers: CostCrossover[];
}

/** What `cost export` writes and `cost import` reads: one study with its points. */
export interface CostStudyArchive {
  format: 'decorbench-cost-study';
  version: 1;
  study: Omit<CostStudySummary, 'id' | 'source'>;
  points: CostPoint[];
}
