import type { RunConfig } from '@shared/config/run-config';
import type { MetricPoint } from '@shared/metrics';
import type { LogLevel, RunProgress } from '@shared/runs';

/**
 * The typed message protocol between the supervisor (main process) and a training worker
 * process. Messages are plain JSON-compatible data, the same over `process.send` and a
 * utilityProcess `parentPort`.
 */
export type SupervisorMessage =
  | { type: 'start'; runId: number; config: RunConfig; resourcesDir: string }
  /** Finish the current step, report `done` with outcome `stopped`, and exit. */
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'started'; backend: string; device: string; backendNotes: string[] }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'done'; outcome: 'completed' | 'stopped'; results: Record<string, number> }
  | { type: 'failed'; message: string };

const WORKER_MESSAGE_TYPES = new Set<WorkerMessage['type']>([
  'started',
  'progress',
  'metrics',
  'log',
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
