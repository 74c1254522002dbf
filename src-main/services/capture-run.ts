import type { SnapshotSummary } from '@shared/inspect';
import { isWorkerMessage } from '../workers/protocol';
import type { WorkerHandle } from '../workers/spawner';
import { storeSnapshot } from './snapshot-messages';
import type { WorkerRunDeps } from './worker-run';

/** What a capture job hears from its worker. */
export interface CaptureListener {
  progress(stage: string, done: number, total: number): void;
  /** The snapshot was stored (and announced as `run:snapshot`). */
  snapshot(summary: SnapshotSummary): void;
  /** The worker ended: `error` is null when it ended normally (after its snapshot). */
  end(error: string | null): void;
}

/** A capture worker of this host. */
export interface ActiveCapture {
  runId: number;
  worker: WorkerHandle;
  exited: Promise<void>;
}

/**
 * Starts a worker that takes an inspector snapshot of a stored checkpoint (issue 12 point 4):
 * the checkpoint is loaded here, the worker rebuilds the run's model and probe batch, and its
 * snapshot (source `checkpoint`) is stored and announced like a training one. Captures are short
 * and only read the checkpoint, so they take no queue slot or lease; the supervisor counts them
 * as this host's work on the run (see `Supervisor.isBusy`). Returns undefined after telling the
 * listener why it could not start.
 */
export function launchCapture(
  deps: WorkerRunDeps,
  runId: number,
  checkpointId: number,
  listener: CaptureListener,
  onExit: (capture: ActiveCapture) => void,
): ActiveCapture | undefined {
  const { store } = deps;
  let ended = false;
  const end = (error: string | null) => {
    if (ended) return;
    ended = true;
    try {
      listener.end(error);
    } catch (listenerError) {
      console.error(`Run ${runId}: a capture listener failed:`, listenerError);
    }
  };
  const config = store.runs.config(runId);
  if (!config) return void end('The run is gone');
  let checkpoint: { step: number; checkpoint: Uint8Array };
  try {
    if (!store.checkpoints.list(runId).some((info) => info.id === checkpointId))
      return void end(`Run ${runId} has no checkpoint ${checkpointId}`);
    const { info, data } = store.checkpoints.load(checkpointId);
    checkpoint = { step: info.step, checkpoint: new Uint8Array(data) };
  } catch (error) {
    return void end(`Cannot load the checkpoint: ${(error as Error).message}`);
  }
  let worker: WorkerHandle;
  try {
    worker = deps.spawn({ name: `capture-${runId}` });
  } catch (error) {
    return void end(`Could not start a worker process: ${String(error)}`);
  }
  let resolveExit!: () => void;
  const capture: ActiveCapture = { runId, worker, exited: new Promise((resolve) => (resolveExit = resolve)) };
  const what = `[snapshot of step ${checkpoint.step}]`;
  let stored = false;
  let failure: string | undefined;
  worker.onMessage((message) => {
    if (!isWorkerMessage(message) || failure !== undefined) return;
    try {
      if (message.type === 'log') deps.log(runId, message.level, `${what} ${message.message}`);
      else if (message.type === 'evaluation-progress')
        listener.progress(message.stage, message.done, message.total);
      else if (message.type === 'snapshot') {
        const { summary } = storeSnapshot(store, deps.events, runId, message);
        stored = true;
        listener.snapshot(summary);
      } else if (message.type === 'failed') failure = message.message;
    } catch (error) {
      failure = `The snapshot could not be stored: ${error instanceof Error ? error.message : String(error)}`;
      worker.kill();
    }
  });
  worker.onExit((exit) => {
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const error =
      failure ?? (stored && exit.code === 0 ? null : `The worker process ended without a snapshot (${how})`);
    if (error !== null) deps.log(runId, 'error', `${what} ${error}`);
    end(error);
    onExit(capture);
    resolveExit();
  });
  deps.log(runId, 'info', `${what} worker ${worker.pid ?? '?'} started`);
  worker.send({ type: 'start', runId, config, resourcesDir: deps.resourcesDir, capture: checkpoint });
  return capture;
}
