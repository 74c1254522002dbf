import type { CostEnvironment, CostPoint, CostStudySettings } from '@shared/cost/types';
import type { GpuAdapterInfo } from '@shared/gpu';
import type { RunConfig } from '@shared/config/run-config';
import type { SnapshotDtype, SnapshotSource } from '@shared/inspect';
import type { MetricPoint } from '@shared/metrics';
import type {
  EvaluationKind,
  EvaluationSettings,
  EvaluationSummary,
  LogLevel,
  RunProgress,
} from '@shared/runs';

/**
 * The typed message protocol between the supervisor (main process) and a training worker
 * process. Messages are plain JSON-compatible data, the same over `process.send` and a
 * utilityProcess `parentPort`.
 */
export type SupervisorMessage =
  | {
      type: 'start';
      runId: number;
      config: RunConfig;
      resourcesDir: string;
      /**
       * Continue from this checkpoint (its bytes, already verified against their sha256);
       * `trainingMs`: the run's training time before this segment (from its last progress).
       */
      resume?: { step: number; checkpoint: Uint8Array; trainingMs?: number };
      /** Evaluate this checkpoint instead of training. */
      evaluation?: {
        id: number;
        kind: EvaluationKind;
        settings: EvaluationSettings;
        step: number;
        checkpoint: Uint8Array;
      };
      /** Take an inspector snapshot of this checkpoint on the probe batch instead of training (issue 12). */
      capture?: { step: number; checkpoint: Uint8Array };
    }
  /**
   * Measure a cost study (issue 14) instead of training: the points of `costPlan(settings)`, each
   * reported as `cost-point`, then `done`. A `stop` ends it after the point being measured.
   */
  | { type: 'cost-start'; costStudyId: number; settings: CostStudySettings; appVersion: string }
  /** Finish the current step, save a checkpoint, report `done` with outcome `stopped`, and exit. */
  | { type: 'stop' }
  /** The checkpoint of `step` is committed to the store. */
  | { type: 'checkpoint-saved'; step: number }
  /** The checkpoint of `step` could not be stored (the run then fails with `message`). */
  | { type: 'checkpoint-failed'; step: number; message: string };

export type WorkerMessage =
  | {
      type: 'started';
      backend: string;
      device: string;
      backendNotes: string[];
      /** The WebGPU adapter, when the backend is webgpu. */
      adapter?: GpuAdapterInfo | null;
    }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'log'; level: LogLevel; message: string }
  /** Binary payload: the parent channel must use structured clone ('advanced' serialization). */
  | {
      type: 'checkpoint';
      step: number;
      epoch: number;
      reason: 'schedule' | 'stop' | 'final';
      knnTop1?: number;
      format: string;
      data: Uint8Array;
    }
  /**
   * A decorrelation-inspector snapshot (issue 12), typed arrays by structured clone like
   * `checkpoint`: Z1, Z2 n x d, H1, H2 n x featureDim (null when not stored), row-major.
   */
  | {
      type: 'snapshot';
      step: number;
      epoch: number;
      source: SnapshotSource;
      dtype: SnapshotDtype;
      probeSeed: number;
      n: number;
      d: number;
      featureDim: number;
      permutation: Int32Array | null;
      z1: Float32Array;
      z2: Float32Array;
      h1: Float32Array | null;
      h2: Float32Array | null;
    }
  /** Progress of an evaluation or a capture job. */
  | { type: 'evaluation-progress'; done: number; total: number; stage: string }
  | { type: 'evaluation-done'; results: Record<string, number>; grid?: EvaluationSummary['grid'] }
  /** A cost study's backend is up: where it runs, and the backends skipped on the way. */
  | { type: 'cost-started'; environment: CostEnvironment; backendNotes: string[] }
  /** A cost study starts measuring point `index` of its plan (`label` says which). */
  | { type: 'cost-measuring'; index: number; label: string }
  /** Point `index` of the plan, measured (or out of memory, failed, skipped). */
  | { type: 'cost-point'; index: number; point: CostPoint }
  | { type: 'done'; outcome: 'completed' | 'stopped'; results: Record<string, number> }
  | { type: 'failed'; message: string };

export const WORKER_MESSAGE_TYPES: ReadonlySet<WorkerMessage['type']> = new Set<WorkerMessage['type']>([
  'started',
  'progress',
  'metrics',
  'log',
  'checkpoint',
  'snapshot',
  'evaluation-progress',
  'evaluation-done',
  'cost-started',
  'cost-measuring',
  'cost-point',
  'done',
  'failed',
]);

/** Narrow check for messages crossing the process boundary (a worker may be buggy or foreign). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    WORKER_MESSAGE_TYPES.has((value as { type: WorkerMessage['type'] }).type)
  );
}
