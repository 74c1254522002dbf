import { METRIC, toSeries } from '@shared/metrics';
import type { CheckpointInfo, LogLevel, RunStatus } from '@shared/runs';
import type { NewCheckpoint } from '../storage/checkpoints.repo';
import type { RunStore } from '../storage/store';
import type { WorkerMessage } from '../workers/protocol';
import type { WorkerHandle } from '../workers/spawner';
import type { EventBus } from './event-bus';
import { storeSnapshot } from './snapshot-messages';

/** A worker process of this host: training a run, or evaluating one of its checkpoints. */
export interface ActiveRun {
  runId: number;
  worker: WorkerHandle;
  /** Set once the worker reported `done` or `failed`: its exit is then expected. */
  finished: boolean;
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  /** Set when the worker evaluates a checkpoint instead of training. */
  evaluationId?: number;
  /** Why the host ended the run itself (e.g. its metrics could not be stored): it then fails with this. */
  failure?: string;
}

/** A final status change of a run. */
export interface RunEnding {
  status: Extract<RunStatus, 'completed' | 'stopped' | 'failed'>;
  error?: string;
  exitCode?: number | null;
  exitSignal?: string | null;
}

/** What the message handlers may do to the supervisor's state and the store. */
export interface SupervisorContext {
  store: RunStore;
  events: EventBus;
  log(runId: number, level: LogLevel, message: string): void;
  emitStatus(runId: number): void;
  finish(runId: number, ending: RunEnding): void;
}

/** The store write a message needs, named for the error a failed write reports. */
const WRITES: Partial<Record<WorkerMessage['type'], string>> = {
  started: 'backend',
  progress: 'progress',
  metrics: 'metrics',
  log: 'log lines',
  snapshot: 'snapshot',
  done: 'results',
};

/** Describes a failed store write (a full disk: `SQLITE_FULL`) for the run's error text. */
export function describeWriteFailure(messageType: WorkerMessage['type'], error: unknown): string {
  const what = WRITES[messageType] ?? `${messageType} message`;
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  return `The run's ${what} could not be stored (${typeof code === 'string' ? `${code}: ` : ''}${reason}); the run was ended`;
}

/** A training worker's messages: progress, metrics, logs and checkpoints go to the run. */
export function handleRunMessage(context: SupervisorContext, run: ActiveRun, msg: WorkerMessage): void {
  if (msg.type === 'checkpoint') {
    saveCheckpoint(context, run, msg);
    return;
  }
  // Set first: the worker's exit is then expected even if the run's last write fails.
  if (msg.type === 'done' || msg.type === 'failed') run.finished = true;
  applyRunMessage(context, run.runId, msg);
}

/**
 * The store writes and events of a training run's message, wherever it comes from: this host's
 * worker (above) or a cluster job's journal (services/cluster/journal-ingest.ts). A store error
 * is left to the caller. Checkpoints carry bytes each path gets its own way: `storeCheckpoint`.
 */
export function applyRunMessage(
  context: SupervisorContext,
  runId: number,
  msg: Exclude<WorkerMessage, { type: 'checkpoint' }>,
  /** When the worker wrote the message (a journal line's time); default now. */
  at?: number,
): void {
  const { store, events } = context;
  switch (msg.type) {
    case 'started':
      store.runs.setBackend(runId, msg.backend, msg.device, msg.backendNotes, msg.adapter ?? null);
      context.log(runId, 'info', `Backend ${msg.backend} (${msg.device})`);
      for (const note of msg.backendNotes) context.log(runId, 'info', `Skipped ${note}`);
      context.emitStatus(runId);
      break;
    case 'progress':
      store.runs.setProgress(runId, msg.progress);
      events.emit('run:progress', { runId, progress: msg.progress });
      break;
    case 'metrics': {
      store.metrics.append(runId, msg.points);
      // kNN accuracy reaches the run's results as soon as it is measured (lists show it live).
      const knn = msg.points.filter((point) => point.name === METRIC.knnTop1);
      if (knn.length > 0) {
        const latest = knn.at(-1)!;
        const initial = knn.find((point) => point.step === 0);
        store.runs.mergeResults(runId, {
          latestKnnTop1: latest.value,
          ...(initial ? { initialKnnTop1: initial.value } : {}),
        });
        context.emitStatus(runId);
      }
      events.emit('run:metrics', { runId, series: toSeries(msg.points) });
      break;
    }
    case 'log': {
      // Written here rather than through context.log, which swallows errors: a worker's log line
      // that cannot be stored fails the run like its metrics do.
      const line = store.logs.append(runId, msg.level, msg.message, at);
      events.emit('run:log', { runId, lines: [line] });
      break;
    }
    case 'snapshot': {
      const { summary, storeMs } = storeSnapshot(store, events, runId, msg);
      context.log(
        runId,
        'debug',
        `Snapshot of step ${summary.step} stored (${(summary.bytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(storeMs)} ms)`,
      );
      break;
    }
    case 'done':
      store.runs.mergeResults(runId, msg.results);
      context.finish(runId, { status: msg.outcome === 'completed' ? 'completed' : 'stopped' });
      break;
    case 'failed':
      context.log(runId, 'error', msg.message);
      context.finish(runId, { status: 'failed', error: msg.message });
      break;
    default:
      break;
  }
}

/**
 * Stores a checkpoint of the run under its configured retention and logs it; the store's error
 * (a full disk) is left to the caller.
 */
export function storeCheckpoint(
  context: Pick<SupervisorContext, 'store' | 'log'>,
  runId: number,
  checkpoint: NewCheckpoint & { reason: CheckpointInfo['reason'] },
): CheckpointInfo {
  const { store } = context;
  const { keepLast, keepBest } = store.runs.config(runId)?.checkpoint ?? { keepLast: 3, keepBest: true };
  const saved = store.checkpoints.save(runId, checkpoint, { keepLast, keepBest });
  context.log(
    runId,
    'info',
    `Checkpoint at step ${saved.step} (${(saved.sizeBytes / 2 ** 20).toFixed(1)} MiB, ${checkpoint.reason})`,
  );
  return saved;
}

function saveCheckpoint(
  context: SupervisorContext,
  run: ActiveRun,
  msg: Extract<WorkerMessage, { type: 'checkpoint' }>,
): void {
  try {
    storeCheckpoint(context, run.runId, {
      step: msg.step,
      epoch: msg.epoch,
      format: msg.format,
      data: msg.data,
      reason: msg.reason,
      ...(msg.knnTop1 === undefined ? {} : { knnTop1: msg.knnTop1 }),
    });
  } catch (error) {
    // E.g. a full disk: the run fails with the reason; the host and other runs go on.
    const message = `The checkpoint of step ${msg.step} could not be stored: ${error instanceof Error ? error.message : String(error)}`;
    run.worker.send({ type: 'checkpoint-failed', step: msg.step, message });
    return;
  }
  run.worker.send({ type: 'checkpoint-saved', step: msg.step });
}
