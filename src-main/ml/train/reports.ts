import { lossTermMetric, METRIC } from '@shared/metrics';
import type { LogLevel } from '@shared/runs';
import type { CheckpointContents } from '../checkpoint/format';
import type { SnapshotDtype, SnapshotSource } from '@shared/inspect';
import type { SnapshotData } from '../inspect/snapshot-data';

/** What one training step reports (scalars only, ready to be stored). */
export interface StepReport {
  step: number;
  epoch: number;
  totalSteps: number;
  totalEpochs: number;
  loss: number;
  /** The loss's named terms, unscaled, e.g. `onDiagonal`, `offDiagonal`. */
  terms: Record<string, number>;
  learningRate: number;
  samplesPerSecond: number;
  /** Data loading and augmentation, forward and loss, backward and update, whole step. */
  timings: { dataMs: number; forwardMs: number; backwardMs: number; stepMs: number };
  memory: { tensors: number; tfjsBytes: number; rssBytes: number } & Partial<GpuMemory>;
}

/** GPU memory, where the backend tells it (webgpu; tfjs-node-gpu does not). */
export interface GpuMemory {
  /** Bytes of GPU buffers held by live tensors. */
  gpuBytes: number;
  /** Bytes of GPU buffers allocated, the backend's pool of reusable buffers included. */
  gpuAllocatedBytes: number;
}

/** Scalars measured off the training step: kNN accuracy, the online probe's accuracy. */
export interface EvaluationReport {
  step: number;
  epoch: number;
  /** By metric name (names of `METRIC` in src-shared/metrics.ts), e.g. `knn/top1`. */
  values: Record<string, number>;
  durationMs: number;
}

export interface CheckpointReport {
  step: number;
  epoch: number;
  contents: CheckpointContents;
  /** The kNN top-1 accuracy measured at this step, if any (for keep-best retention). */
  knnTop1?: number;
  reason: 'schedule' | 'stop' | 'final';
}

export interface TrainerHooks {
  onStep(report: StepReport): void;
  onEvaluation?(report: EvaluationReport): void;
  /** A checkpoint to store; the loop waits for it (so a crash right after loses nothing before it). */
  onCheckpoint?(report: CheckpointReport): Promise<void> | void;
  /** A decorrelation-inspector snapshot to send on (issue 12); without this hook none are taken. */
  onSnapshot?(report: SnapshotReport): Promise<void> | void;
  /** Polled between steps; true ends the run with outcome `stopped`. */
  shouldStop(): boolean;
  /**
   * Called in every step between the forward and backward passes, where memory peaks: the
   * compute backend can drop what it keeps only for forward passes there.
   */
  afterForward?(): void;
  log(level: LogLevel, message: string): void;
}

export interface TrainOptions {
  /** Continue from this checkpoint instead of starting afresh. */
  resumeFrom?: CheckpointContents;
  /**
   * Time the loss alone once, a few steps in, as the metric `time/loss_ms` (default true;
   * skipped on resume when the checkpoint's results already hold it).
   */
  timeLoss?: boolean;
}

export interface TrainOutcome {
  outcome: 'completed' | 'stopped';
  steps: number;
  results: Record<string, number>;
}

/** A step's report as metric values by name (the shared names), in a stable order. */
export function stepMetrics(report: StepReport): [name: string, value: number][] {
  return [
    [METRIC.loss, report.loss],
    ...Object.entries(report.terms).map(([term, value]): [string, number] => [lossTermMetric(term), value]),
    [METRIC.learningRate, report.learningRate],
    [METRIC.samplesPerSecond, report.samplesPerSecond],
    [METRIC.dataMs, report.timings.dataMs],
    [METRIC.forwardMs, report.timings.forwardMs],
    [METRIC.backwardMs, report.timings.backwardMs],
    [METRIC.stepMs, report.timings.stepMs],
    [METRIC.tfjsBytes, report.memory.tfjsBytes],
    [METRIC.rssBytes, report.memory.rssBytes],
    [METRIC.tensors, report.memory.tensors],
    ...gpuMetrics(report.memory),
  ];
}

function gpuMetrics(memory: Partial<GpuMemory>): [name: string, value: number][] {
  const { gpuBytes, gpuAllocatedBytes } = memory;
  if (gpuBytes === undefined || gpuAllocatedBytes === undefined) return [];
  return [
    [METRIC.gpuBytes, gpuBytes],
    [METRIC.gpuAllocatedBytes, gpuAllocatedBytes],
  ];
}

/** A decorrelation snapshot the trainer took (see snapshots.ts). */
export interface SnapshotReport {
  step: number;
  epoch: number;
  source: SnapshotSource;
  dtype: SnapshotDtype;
  probeSeed: number;
  data: SnapshotData;
  /** Time spent taking it (views, forward, read-back), in ms. */
  computeMs: number;
}
