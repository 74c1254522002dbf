import type { EvaluationKind, EvaluationSettings } from '@shared/runs';
import { isWorkerMessage } from '../workers/protocol';
import type { SpawnWorker, WorkerExit, WorkerHandle } from '../workers/spawner';
import { failEvaluation, handleEvaluationMessage } from './evaluation-messages';
import {
  describeWriteFailure,
  handleRunMessage,
  type ActiveRun,
  type SupervisorContext,
} from './run-messages';

/** How a queued run starts: afresh, or from a stored checkpoint. */
export interface LaunchOptions {
  resumeFromCheckpointId?: number;
  /** Evaluate a checkpoint of the run instead of training it; the run's status is left alone. */
  evaluation?: { id: number; kind: EvaluationKind; settings: EvaluationSettings; checkpointId: number };
}

/** What starting and following one worker process needs from its supervisor. */
export interface WorkerRunDeps extends SupervisorContext {
  spawn: SpawnWorker;
  resourcesDir: string;
  /** How many log lines a crash report quotes. */
  crashLogLines: number;
  /** The supervisor's host token: the lease to release when the worker exits. */
  hostToken: string;
  /** Tells the host's terminal how a stopped run ended (no-op without a notifier). */
  notify(line: string): void;
  /** Runs a store operation; a failure is reported, not thrown. */
  guard<T>(what: string, operation: () => T): T | undefined;
}

/**
 * Starts a worker for a claimed queue entry: loads the checkpoint, spawns the process, wires its
 * messages and exit, and sends `start`. Undefined (the run or evaluation failed, its lease
 * released) when it cannot start.
 */
export function launchWorker(
  deps: WorkerRunDeps,
  runId: number,
  options: LaunchOptions,
  onExit: (run: ActiveRun) => void,
): ActiveRun | undefined {
  const { store } = deps;
  const { evaluation } = options;
  const giveUp = (message: string): undefined => {
    deps.guard('release a lease', () => store.leases.release(runId, deps.hostToken));
    if (evaluation) failEvaluation(deps, evaluation.id, message);
    else deps.finish(runId, { status: 'failed', error: message });
  };
  const config = store.runs.config(runId);
  if (!config) return giveUp('The run is gone');
  const checkpointId = evaluation?.checkpointId ?? options.resumeFromCheckpointId;
  let checkpoint: { step: number; checkpoint: Uint8Array } | undefined;
  if (checkpointId !== undefined) {
    try {
      const { info, data } = store.checkpoints.load(checkpointId);
      checkpoint = { step: info.step, checkpoint: new Uint8Array(data) };
    } catch (error) {
      return giveUp(`Cannot load the checkpoint: ${(error as Error).message}`);
    }
  }
  let worker: WorkerHandle;
  try {
    worker = deps.spawn({ name: `run-${runId}` });
  } catch (error) {
    return giveUp(`Could not start a worker process: ${String(error)}`);
  }
  let resolveExit!: () => void;
  const run: ActiveRun = {
    runId,
    worker,
    finished: false,
    stopRequested: false,
    exited: new Promise((resolve) => (resolveExit = resolve)),
    ...(evaluation ? { evaluationId: evaluation.id } : {}),
  };
  deps.guard('record the worker', () => store.leases.setWorkerPid(runId, worker.pid));
  worker.onMessage((message) => handleMessage(deps, run, message));
  worker.onExit((exit) => {
    deps.guard('record the worker exit', () => handleExit(deps, run, exit));
    onExit(run);
    resolveExit();
  });
  if (evaluation) {
    const what = `Evaluation ${evaluation.id} (${evaluation.kind}) of step ${checkpoint?.step}`;
    deps.log(runId, 'info', `${what}: worker ${worker.pid ?? '?'} started`);
  } else {
    deps.emitStatus(runId);
    deps.log(runId, 'info', `Worker process ${worker.pid ?? '?'} started`);
    if (checkpoint) deps.log(runId, 'info', `Resuming from the checkpoint of step ${checkpoint.step}`);
  }
  const { resourcesDir } = deps;
  worker.send({
    type: 'start',
    runId,
    config,
    resourcesDir,
    // The training time of the earlier segments, which this worker's progress reports add to.
    ...(checkpoint && !evaluation
      ? { resume: { ...checkpoint, trainingMs: store.runs.summary(runId)?.progress?.trainingMs ?? 0 } }
      : {}),
    ...(checkpoint && evaluation
      ? {
          evaluation: {
            id: evaluation.id,
            kind: evaluation.kind,
            settings: evaluation.settings,
            ...checkpoint,
          },
        }
      : {}),
  });
  return run;
}

/**
 * A store write that fails here (a full disk: `SQLITE_FULL`) ends this run with the reason and
 * kills its worker; the host and the other runs go on.
 */
function handleMessage(deps: WorkerRunDeps, run: ActiveRun, message: unknown): void {
  if (!isWorkerMessage(message) || run.failure !== undefined) return;
  try {
    if (run.evaluationId !== undefined) handleEvaluationMessage(deps, run, run.evaluationId, message);
    else handleRunMessage(deps, run, message);
  } catch (error) {
    run.failure = describeWriteFailure(message.type, error);
    console.error(`Run ${run.runId}: ${run.failure}`);
    run.worker.kill();
  }
}

function handleExit(deps: WorkerRunDeps, run: ActiveRun, exit: WorkerExit): void {
  const { runId } = run;
  const { store } = deps;
  clearTimeout(run.killTimer);
  store.leases.release(runId, deps.hostToken);
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  if (run.evaluationId !== undefined) {
    if (!run.finished || run.failure !== undefined) {
      const error = run.failure ?? (run.stopRequested ? 'Cancelled' : `The worker process crashed (${how})`);
      failEvaluation(deps, run.evaluationId, error);
    }
    return;
  }
  if (!store.runs.summary(runId)) return;
  const exitStatus = { exitCode: exit.code, exitSignal: exit.signal };
  if (run.failure !== undefined) {
    deps.finish(runId, { status: 'failed', error: run.failure, ...exitStatus });
  } else if (run.finished) {
    store.runs.setExit(runId, exit.code, exit.signal);
    if (run.stopRequested) deps.notify(`Run ${runId} stopped${checkpointNote(deps, runId)}`);
  } else if (run.stopRequested) {
    deps.log(runId, 'warn', `Worker ended by ${how} after a stop request`);
    deps.finish(runId, { status: 'stopped', ...exitStatus });
    deps.notify(`Run ${runId} stopped (worker ended by ${how})${checkpointNote(deps, runId)}`);
  } else {
    const tail = store.logs
      .tail(runId, deps.crashLogLines)
      .map((line) => `  ${line.message}`)
      .join('\n');
    const error = `The worker process crashed (${how}).${tail ? `\nLast log lines:\n${tail}` : ''}`;
    deps.log(runId, 'error', `The worker process crashed (${how})`);
    deps.finish(runId, { status: 'failed', error, ...exitStatus });
  }
}

function checkpointNote(deps: WorkerRunDeps, runId: number): string {
  const last = deps.store.checkpoints.list(runId).at(-1);
  return last ? `; its last checkpoint is at step ${last.step}` : '; it has no checkpoint';
}
