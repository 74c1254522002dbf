import { toSeries } from '@shared/metrics';
import type {
  CheckpointInfo,
  EvaluationKind,
  EvaluationSettings,
  EvaluationSummary,
  LogLevel,
} from '@shared/runs';
import type { RunStore } from '../storage/store';
import { isWorkerMessage, type WorkerMessage } from '../workers/protocol';
import type { SpawnWorker, WorkerExit, WorkerHandle } from '../workers/spawner';
import type { EventBus } from './event-bus';

export interface SupervisorOptions {
  store: RunStore;
  events: EventBus;
  spawn: SpawnWorker;
  resourcesDir: string;
  /** How many runs train at once; the rest wait in the queue. */
  maxConcurrentRuns?: number;
  /** After a stop request, how long a worker may take to finish its step before it is killed. */
  stopTimeoutMs?: number;
  /** How many log lines a crash report quotes. */
  crashLogLines?: number;
}

interface ActiveRun {
  runId: number;
  worker: WorkerHandle;
  /** Set once the worker reported `done` or `failed`: its exit is then expected. */
  finished: boolean;
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  /** Set when the worker evaluates a checkpoint instead of training. */
  evaluationId?: number;
}

/**
 * Runs each training run in its own worker process: a FIFO queue, a concurrency limit, graceful
 * stop with a kill after a timeout, and crash detection (a worker that exits without reporting
 * marks its run failed, with exit code/signal and its last log lines, and the host keeps going).
 */
/** How a queued run starts: afresh, or from a stored checkpoint. */
export interface LaunchOptions {
  resumeFromCheckpointId?: number;
  /** Evaluate a checkpoint of the run instead of training it; the run's status is left alone. */
  evaluation?: { id: number; kind: EvaluationKind; settings: EvaluationSettings; checkpointId: number };
}

export class Supervisor {
  private readonly queue: number[] = [];
  private readonly launchOptions = new Map<number, LaunchOptions>();
  private readonly active = new Map<number, ActiveRun>();
  private readonly maxConcurrentRuns: number;
  private readonly stopTimeoutMs: number;
  private readonly crashLogLines: number;
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {
    this.maxConcurrentRuns = Math.max(1, options.maxConcurrentRuns ?? 1);
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.crashLogLines = options.crashLogLines ?? 20;
  }

  get concurrency(): number {
    return this.maxConcurrentRuns;
  }

  isQueued(runId: number): boolean {
    return this.queue.includes(runId);
  }

  isRunning(runId: number): boolean {
    return this.active.has(runId);
  }

  /** The OS process id of a run's worker, while it has one. */
  workerPid(runId: number): number | undefined {
    return this.active.get(runId)?.worker.pid;
  }

  enqueue(runId: number, options: LaunchOptions = {}): void {
    if (this.closed || this.isQueued(runId) || this.isRunning(runId)) return;
    this.queue.push(runId);
    this.launchOptions.set(runId, options);
    if (options.evaluation) {
      this.pump();
      return;
    }
    this.setStatus(runId, {
      status: 'queued',
      error: null,
      endedAt: null,
      exitCode: null,
      exitSignal: null,
      ownerPid: process.pid,
    });
    this.pump();
  }

  /** Stops a run: a queued run leaves the queue, a running one is asked to stop, then killed. */
  stop(runId: number): void {
    const index = this.queue.indexOf(runId);
    if (index >= 0) {
      this.queue.splice(index, 1);
      const evaluation = this.launchOptions.get(runId)?.evaluation;
      this.launchOptions.delete(runId);
      if (evaluation) this.failEvaluation(evaluation.id, 'Cancelled before it started');
      else this.finish(runId, { status: 'stopped' });
      return;
    }
    const run = this.active.get(runId);
    if (!run || run.stopRequested || run.finished) return;
    if (run.evaluationId !== undefined) {
      // An evaluation has nothing to save: end it at once.
      run.stopRequested = true;
      run.worker.kill();
      return;
    }
    run.stopRequested = true;
    this.setStatus(runId, { status: 'stopping' });
    run.worker.send({ type: 'stop' });
    run.killTimer = setTimeout(() => {
      this.log(runId, 'warn', `The worker did not stop within ${this.stopTimeoutMs} ms and was killed`);
      run.worker.kill();
    }, this.stopTimeoutMs);
  }

  /** Stops everything (queued runs go back to `created`) and waits for the workers to exit. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const runId of this.queue.splice(0)) {
      const evaluation = this.launchOptions.get(runId)?.evaluation;
      if (evaluation) this.failEvaluation(evaluation.id, 'Cancelled: the application stopped');
      else this.setStatus(runId, { status: 'created', ownerPid: null });
    }
    const exits = [...this.active.values()].map((run) => run.exited);
    for (const runId of [...this.active.keys()]) this.stop(runId);
    await Promise.all(exits);
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.maxConcurrentRuns && this.queue.length > 0) {
      this.launch(this.queue.shift()!);
    }
  }

  private launch(runId: number): void {
    const { store } = this.options;
    const config = store.runs.config(runId);
    const options = this.launchOptions.get(runId) ?? {};
    this.launchOptions.delete(runId);
    if (!config) return; // deleted while queued
    const { evaluation } = options;
    const checkpointId = evaluation?.checkpointId ?? options.resumeFromCheckpointId;
    let checkpoint: { step: number; checkpoint: Uint8Array } | undefined;
    if (checkpointId !== undefined) {
      try {
        const { info, data } = store.checkpoints.load(checkpointId);
        checkpoint = { step: info.step, checkpoint: new Uint8Array(data) };
      } catch (error) {
        const message = `Cannot load the checkpoint: ${(error as Error).message}`;
        if (evaluation) this.failEvaluation(evaluation.id, message);
        else this.finish(runId, { status: 'failed', error: message });
        return;
      }
    }
    let worker: WorkerHandle;
    try {
      worker = this.options.spawn({ name: `run-${runId}` });
    } catch (error) {
      const message = `Could not start a worker process: ${String(error)}`;
      if (evaluation) this.failEvaluation(evaluation.id, message);
      else this.finish(runId, { status: 'failed', error: message });
      return;
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
    this.active.set(runId, run);
    if (evaluation) {
      this.log(
        runId,
        'info',
        `Evaluation ${evaluation.id} (${evaluation.kind}) of step ${checkpoint?.step}: worker ${worker.pid ?? '?'} started`,
      );
    } else {
      // A resumed run keeps its first start time: its duration spans the whole run.
      const started = checkpoint ? {} : { startedAt: Date.now() };
      this.setStatus(runId, { status: 'running', ...started, endedAt: null });
      this.log(runId, 'info', `Worker process ${worker.pid ?? '?'} started`);
    }
    worker.onMessage((message) => this.handleMessage(run, message));
    worker.onExit((exit) => {
      this.handleExit(run, exit);
      resolveExit();
    });
    if (checkpoint && !evaluation)
      this.log(runId, 'info', `Resuming from the checkpoint of step ${checkpoint.step}`);
    worker.send({
      type: 'start',
      runId,
      config,
      resourcesDir: this.options.resourcesDir,
      ...(checkpoint && !evaluation ? { resume: checkpoint } : {}),
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
  }

  private handleMessage(run: ActiveRun, message: unknown): void {
    if (!isWorkerMessage(message)) return;
    const { store, events } = this.options;
    const { runId } = run;
    const msg: WorkerMessage = message;
    if (run.evaluationId !== undefined) {
      this.handleEvaluationMessage(run, run.evaluationId, msg);
      return;
    }
    switch (msg.type) {
      case 'started':
        store.runs.setBackend(runId, msg.backend, msg.device, msg.backendNotes);
        this.log(runId, 'info', `Backend ${msg.backend} (${msg.device})`);
        for (const note of msg.backendNotes) this.log(runId, 'info', `Skipped ${note}`);
        this.emitStatus(runId);
        break;
      case 'progress':
        store.runs.setProgress(runId, msg.progress);
        events.emit('run:progress', { runId, progress: msg.progress });
        break;
      case 'metrics': {
        store.metrics.append(runId, msg.points);
        // kNN accuracy reaches the run's results as soon as it is measured (lists show it live).
        const knn = msg.points.filter((point) => point.name === 'knn/top1');
        if (knn.length > 0) {
          const latest = knn.at(-1)!;
          const initial = knn.find((point) => point.step === 0);
          store.runs.mergeResults(runId, {
            latestKnnTop1: latest.value,
            ...(initial ? { initialKnnTop1: initial.value } : {}),
          });
          this.emitStatus(runId);
        }
        events.emit('run:metrics', { runId, series: toSeries(msg.points) });
        break;
      }
      case 'log':
        this.log(runId, msg.level, msg.message);
        break;
      case 'checkpoint': {
        const { keepLast, keepBest } = store.runs.config(runId)?.checkpoint ?? {
          keepLast: 3,
          keepBest: true,
        };
        let saved: CheckpointInfo;
        try {
          saved = store.checkpoints.save(
            runId,
            {
              step: msg.step,
              epoch: msg.epoch,
              format: msg.format,
              data: msg.data,
              reason: msg.reason,
              ...(msg.knnTop1 === undefined ? {} : { knnTop1: msg.knnTop1 }),
            },
            { keepLast, keepBest },
          );
        } catch (error) {
          // E.g. a full disk: the run fails with the reason; the host and other runs go on.
          const message = `The checkpoint of step ${msg.step} could not be stored: ${error instanceof Error ? error.message : String(error)}`;
          run.worker.send({ type: 'checkpoint-failed', step: msg.step, message });
          break;
        }
        this.log(
          runId,
          'info',
          `Checkpoint at step ${saved.step} (${(saved.sizeBytes / 2 ** 20).toFixed(1)} MiB, ${msg.reason})`,
        );
        run.worker.send({ type: 'checkpoint-saved', step: msg.step });
        break;
      }
      case 'done':
        run.finished = true;
        store.runs.mergeResults(runId, msg.results);
        this.finish(runId, { status: msg.outcome === 'completed' ? 'completed' : 'stopped' });
        break;
      case 'failed':
        run.finished = true;
        this.log(runId, 'error', msg.message);
        this.finish(runId, { status: 'failed', error: msg.message });
        break;
    }
  }

  /** An evaluation job's messages: progress and results go to the evaluation, not the run. */
  private handleEvaluationMessage(run: ActiveRun, evaluationId: number, msg: WorkerMessage): void {
    const { store } = this.options;
    switch (msg.type) {
      case 'log':
        this.log(run.runId, msg.level, `[evaluation ${evaluationId}] ${msg.message}`);
        break;
      case 'evaluation-progress': {
        const summary = store.evaluations.get(evaluationId);
        const progress = { done: msg.done, total: msg.total, stage: msg.stage };
        if (summary) this.options.events.emit('run:evaluation', { ...summary, progress });
        break;
      }
      case 'evaluation-done':
        run.finished = true;
        store.evaluations.complete(evaluationId, msg.results, msg.grid);
        this.emitEvaluation(evaluationId);
        break;
      case 'failed':
        run.finished = true;
        this.failEvaluation(evaluationId, msg.message);
        break;
      default:
        break;
    }
  }

  private failEvaluation(evaluationId: number, error: string): void {
    const summary = this.options.store.evaluations.get(evaluationId);
    if (!summary) return;
    this.options.store.evaluations.fail(evaluationId, error);
    this.log(summary.runId, 'error', `[evaluation ${evaluationId}] ${error}`);
    this.emitEvaluation(evaluationId);
  }

  private emitEvaluation(evaluationId: number): void {
    const summary: EvaluationSummary | undefined = this.options.store.evaluations.get(evaluationId);
    if (summary) this.options.events.emit('run:evaluation', summary);
  }

  private handleExit(run: ActiveRun, exit: WorkerExit): void {
    const { runId } = run;
    clearTimeout(run.killTimer);
    this.active.delete(runId);
    const store = this.options.store;
    if (run.evaluationId !== undefined) {
      if (!run.finished) {
        const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
        this.failEvaluation(
          run.evaluationId,
          run.stopRequested ? 'Cancelled' : `The worker process crashed (${how})`,
        );
      }
      this.pump();
      return;
    }
    if (!run.finished && store.runs.summary(runId)) {
      const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      if (run.stopRequested) {
        this.log(runId, 'warn', `Worker ended by ${how} after a stop request`);
        this.finish(runId, { status: 'stopped', exitCode: exit.code, exitSignal: exit.signal });
      } else {
        const tail = store.logs
          .tail(runId, this.crashLogLines)
          .map((line) => `  ${line.message}`)
          .join('\n');
        const error = `The worker process crashed (${how}).${tail ? `\nLast log lines:\n${tail}` : ''}`;
        this.log(runId, 'error', `The worker process crashed (${how})`);
        this.finish(runId, { status: 'failed', error, exitCode: exit.code, exitSignal: exit.signal });
      }
    } else {
      store.runs.setExit(runId, exit.code, exit.signal);
    }
    this.pump();
  }

  private finish(
    runId: number,
    change: {
      status: 'completed' | 'stopped' | 'failed';
      error?: string;
      exitCode?: number | null;
      exitSignal?: string | null;
    },
  ): void {
    this.setStatus(runId, { ...change, endedAt: Date.now(), ownerPid: null });
  }

  private setStatus(runId: number, change: Parameters<RunStore['runs']['setStatus']>[1]): void {
    if (!this.options.store.runs.summary(runId)) return;
    this.options.store.runs.setStatus(runId, change);
    this.emitStatus(runId);
  }

  private emitStatus(runId: number): void {
    const summary = this.options.store.runs.summary(runId);
    if (summary) this.options.events.emit('run:status', summary);
  }

  private log(runId: number, level: LogLevel, message: string): void {
    if (!this.options.store.runs.summary(runId)) return;
    const line = this.options.store.logs.append(runId, level, message);
    this.options.events.emit('run:log', { runId, lines: [line] });
  }
}
