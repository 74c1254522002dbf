import type { GpuAdapterInfo } from './gpu';
import type { RunConfig } from './config/run-config';
import type { RunPlacement } from './cluster/types';
import type { RunStatus } from './run-status';

export { ACTIVE_STATUSES, isActiveStatus, RUN_STATUSES, type RunStatus } from './run-status';

export interface RunProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  samplesPerSecond?: number;
  /** Estimated time to completion: the remaining steps at the step rate of the last 30 s. */
  etaMs?: number;
  /** When this report was made (ms since the Unix epoch). */
  timeMs?: number;
  /** Time spent training up to `timeMs`, summed over every segment (start or resume) of the run. */
  trainingMs?: number;
  /** The loss of the newest step (not final while the run trains). */
  loss?: number;
}

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  lossName: string;
  /** The configuration's backbone, e.g. `small-cnn`. */
  backbone: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  backend: string | null;
  device: string | null;
  error: string | null;
  progress: RunProgress | null;
  /** Final (or latest) scalar results, e.g. `loss`, `knnTop1`. */
  results: Record<string, number>;
  /** Step of the newest stored checkpoint (what Resume continues from); null when there is none. */
  checkpointStep: number | null;
  /** The user's labels, e.g. `seed-sweep` (one word each; `runs:update` sets them). */
  tags: string[];
  /** The user's free-text notes about the run ('' when none). */
  notes: string;
  /** Where it trains: absent or null on this machine; a Slurm profile's job otherwise (issue 15). */
  placement?: RunPlacement | null;
}

export interface RunDetail extends RunSummary {
  config: RunConfig;
  exitCode: number | null;
  exitSignal: string | null;
  /** Why each backend that was not used was skipped, e.g. `tensorflow: tfjs-node-gpu is not installed`. */
  backendNotes: string[];
  /** The WebGPU adapter the run trained on (backend webgpu), else null. */
  adapter: GpuAdapterInfo | null;
  checkpoints: CheckpointInfo[];
}

export interface CheckpointInfo {
  id: number;
  step: number;
  epoch: number;
  format: string;
  sizeBytes: number;
  sha256: string;
  createdAt: number;
  /** Why it was taken: on schedule, on a stop request, or at the end. */
  reason: 'schedule' | 'stop' | 'final';
  /** kNN top-1 measured at this step, if any. */
  knnTop1: number | null;
}

export type EvaluationKind = 'linear' | 'knn';

/** Settings of an offline evaluation (defaults: the spec's linear-eval protocol, section 9). */
export interface EvaluationSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/** An offline evaluation of a run's checkpoint: a linear probe, or a kNN grid over k and T. */
export interface EvaluationSummary {
  id: number;
  runId: number;
  kind: EvaluationKind;
  checkpointStep: number;
  status: 'queued' | 'running' | 'completed' | 'failed';
  createdAt: number;
  endedAt: number | null;
  settings: Partial<EvaluationSettings>;
  /** linear: top1, top5, trainLoss; knn: best top1 and its k, temperature. */
  results: Record<string, number>;
  /** knn: one cell per (k, temperature). */
  grid?: { k: number; temperature: number; top1: number; top5?: number }[];
  /** While it runs: how far it has got. */
  progress?: { done: number; total: number; stage: string };
  error: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  id: number;
  runId: number;
  timeMs: number;
  level: LogLevel;
  message: string;
}
