import { randomUUID } from 'node:crypto';
import type { LogLevel } from '@shared/runs';
import type { HostRecord, Lease } from '../storage/leases.repo';
import type { RunStatusChange } from '../storage/runs.repo';
import { failEvaluation } from './evaluation-messages';
import { sweepDeadHosts, type QueuedOptions } from './reclaim';
import type { ActiveRun, RunEnding } from './run-messages';
import { launchCapture, type ActiveCapture, type CaptureListener } from './capture-run';
import { submitPlaced, type QueuedRun } from './cluster/remote-placement';
import { launchWorker, type LaunchOptions, type WorkerRunDeps } from './worker-run';
import type { StopOutcome, SupervisorOptions } from './supervisor-options';

export type { SupervisorOptions, StopOutcome } from './supervisor-options';
export type { LaunchOptions } from './worker-run';
export { isProcessAlive } from './reclaim';

/**
 * Runs each training run (or evaluation) in its own worker process. The queue and the
 * concurrency limit live in the database, shared with every other host on the file; each worker
 * holds a lease there that this host keeps alive with a heartbeat. Stop is graceful with a kill
 * after a timeout; a worker that exits without reporting fails its run with its exit status and
 * last log lines; a store write that fails ends that run, not the host.
 */
export class Supervisor {
  readonly host: HostRecord;
  private readonly active = new Map<number, ActiveRun>();
  /** Inspector capture workers of this host (snapshots of checkpoints), by run. */
  private readonly captures = new Map<number, ActiveCapture>();
  /** Runs this host queued and has not started: to notice when another host cancels one. */
  private readonly queuedHere = new Set<number>();
  private readonly maxConcurrentRuns: number;
  private readonly stopTimeoutMs: number;
  private readonly context: WorkerRunDeps;
  private readonly timer: NodeJS.Timeout;
  private lastBeatMs = Date.now();
  private closed = false;
  private notify: ((line: string) => void) | undefined;
  /** Runs found interrupted (their host gone) when this host opened the database. */
  readonly interruptedAtStart: number[];

  constructor(private readonly options: SupervisorOptions) {
    this.maxConcurrentRuns = Math.max(1, options.maxConcurrentRuns ?? 1);
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.host = {
      token: randomUUID(),
      pid: process.pid,
      kind: options.hostKind ?? 'serve',
      claims: options.claims ?? 'any',
    };
    this.context = {
      store: options.store,
      events: options.events,
      log: (runId, level, message) => this.log(runId, level, message),
      emitStatus: (runId) => this.emitStatus(runId),
      finish: (runId, ending) => this.finish(runId, ending),
      spawn: options.spawn,
      resourcesDir: options.resourcesDir,
      crashLogLines: options.crashLogLines ?? 20,
      hostToken: this.host.token,
      notify: (line) => this.notify?.(line),
      guard: (what, operation) => this.guard(what, operation),
    };
    options.store.leases.registerHost(this.host);
    this.interruptedAtStart = this.sweep(true);
    this.timer = setInterval(() => this.tick(), options.heartbeatMs ?? 1000);
    this.timer.unref();
  }

  get concurrency(): number {
    return this.maxConcurrentRuns;
  }

  get stopTimeout(): number {
    return this.stopTimeoutMs;
  }

  /** Runs whose workers this host runs now. */
  get activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  /** Where the host says how runs end after a stop (its terminal); `shutdown` may set it too. */
  setNotifier(notify: ((line: string) => void) | undefined): void {
    this.notify = notify;
  }

  /** Waiting in the shared queue (queued by any host). */
  isQueued(runId: number): boolean {
    return (
      this.options.store.leases.queueEntry(runId) !== undefined ||
      this.options.remote?.isQueued(runId) === true
    );
  }

  /** This host runs a worker for the run. */
  isRunning(runId: number): boolean {
    return this.active.has(runId);
  }

  /** A worker of any host holds the run, or it waits in the queue, or this host captures a snapshot of it. */
  isBusy(runId: number): boolean {
    return (
      this.isRunning(runId) ||
      this.isQueued(runId) ||
      this.lease(runId) !== undefined ||
      this.captures.has(runId) ||
      this.options.remote?.isBusy(runId) === true
    );
  }

  /** Snapshots checkpoint `checkpointId` of the run in a worker (issue 12; `launchCapture`); false: not started. */
  startCapture(runId: number, checkpointId: number, listener: CaptureListener): boolean {
    if (this.closed) {
      listener.end('The host is shutting down');
      return false;
    }
    const capture = launchCapture(this.context, runId, checkpointId, listener, () =>
      this.captures.delete(runId),
    );
    if (capture) this.captures.set(runId, capture);
    return capture !== undefined;
  }

  /** The lease of whichever host runs a worker for the run. */
  lease(runId: number): Lease | undefined {
    return this.options.store.leases.lease(runId);
  }

  /** The OS process id of a run's worker, while this host has one. */
  workerPid(runId: number): number | undefined {
    return this.active.get(runId)?.worker.pid;
  }

  enqueue(runId: number, options: LaunchOptions = {}): void {
    this.enqueueMany([{ runId, options }]);
  }

  /** Queues runs together: the placed ones of one cluster profile go to Slurm as one job array. */
  enqueueMany(entries: readonly QueuedRun[]): void {
    if (this.closed) return;
    for (const { runId, options } of submitPlaced(this.options.remote, entries))
      this.enqueueLocal(runId, options);
  }

  private enqueueLocal(runId: number, options: LaunchOptions = {}): void {
    const { store } = this.options;
    if (this.isBusy(runId)) return;
    // Evaluations and the CLI's runs are this host's to start; other runs any app or serve host may start.
    const exclusive = options.evaluation !== undefined || this.host.claims === 'own';
    store.database.transaction(() => {
      store.leases.enqueue(runId, this.host.token, exclusive, options);
      if (!options.evaluation)
        store.runs.setStatus(runId, {
          status: 'queued',
          error: null,
          endedAt: null,
          exitCode: null,
          exitSignal: null,
          ownerPid: process.pid,
        });
    })();
    this.queuedHere.add(runId);
    this.holdProcessWhileWaiting();
    if (!options.evaluation) this.emitStatus(runId);
    this.pump();
  }

  /**
   * Stops a run wherever it is: a queued run leaves the queue, this host's worker is asked to
   * stop (then killed), and another host's worker is asked through its lease.
   */
  stop(runId: number): StopOutcome {
    // A placed run's job (evaluations of it run here, and the run is not busy there meanwhile).
    if (this.options.remote?.isBusy(runId)) return this.options.remote.stop(runId);
    const run = this.active.get(runId);
    if (run && !run.finished) {
      this.stopLocal(run);
      return 'stopping';
    }
    const { store } = this.options;
    const entry = store.leases.dequeue(runId);
    if (entry) {
      this.queuedHere.delete(runId);
      this.holdProcessWhileWaiting();
      const evaluationId = (entry.options as QueuedOptions).evaluation?.id;
      if (evaluationId !== undefined)
        failEvaluation(this.context, evaluationId, 'Cancelled before it started');
      else this.finish(runId, { status: 'stopped' });
      return 'dequeued';
    }
    const lease = store.leases.lease(runId);
    // A training run that already ended keeps its lease until its worker exits: nothing to stop.
    const status = store.runs.summary(runId)?.status;
    const stoppable = lease?.evaluationId !== null || status === 'running' || status === 'stopping';
    if (lease && lease.hostToken !== this.host.token && stoppable && store.leases.requestStop(runId)) {
      this.emitStatus(runId);
      return 'asked-owner';
    }
    return 'idle';
  }

  /**
   * Closes the host: its workers are asked to stop and save a checkpoint (killed after the stop
   * timeout), its evaluations and the runs only it would start leave the queue, shared queue
   * entries stay queued for the next host, and its host row goes. `notify` hears each ending.
   */
  async shutdown(options: { notify?: (line: string) => void } = {}): Promise<void> {
    const { store } = this.options;
    this.closed = true;
    if (options.notify) this.notify = options.notify;
    for (const entry of this.guard('cancel queue entries', () => store.leases.queue()) ?? []) {
      if (entry.hostToken !== this.host.token || !entry.exclusive) continue;
      this.guard('cancel a queue entry', () => {
        store.leases.dequeue(entry.runId);
        const evaluationId = (entry.options as QueuedOptions).evaluation?.id;
        if (evaluationId !== undefined)
          failEvaluation(this.context, evaluationId, 'Cancelled: the application stopped');
        else this.setStatus(entry.runId, { status: 'created', ownerPid: null });
      });
    }
    const exits = [...this.active.values(), ...this.captures.values()].map((run) => run.exited);
    for (const run of this.active.values()) this.stopLocal(run);
    for (const capture of this.captures.values()) capture.worker.kill(); // nothing to save
    await Promise.all(exits);
    clearInterval(this.timer);
    this.guard('unregister the host', () => store.leases.unregisterHost(this.host.token));
  }

  /** Kills every worker of this host at once (a second Ctrl-C); their runs end `stopped`. */
  killAll(): void {
    for (const capture of this.captures.values()) capture.worker.kill();
    for (const run of this.active.values()) {
      run.stopRequested = true;
      run.worker.kill();
    }
  }

  private stopLocal(run: ActiveRun): void {
    if (run.stopRequested || run.finished) return;
    run.stopRequested = true;
    if (run.evaluationId !== undefined) {
      // An evaluation has nothing to save: end it at once.
      run.worker.kill();
      return;
    }
    this.setStatus(run.runId, { status: 'stopping' });
    run.worker.send({ type: 'stop' });
    run.killTimer = setTimeout(() => {
      const text = `The worker did not stop within ${this.stopTimeoutMs / 1000} s and was killed`;
      this.log(run.runId, 'warn', text);
      this.notify?.(`Run ${run.runId}: ${text.toLowerCase()}`);
      run.worker.kill();
    }, this.stopTimeoutMs);
  }

  /**
   * The heartbeat timer keeps the process alive only while this host waits for a run it queued
   * (a CLI waiting for another host's slot has no worker yet); otherwise it never holds it open.
   */
  private holdProcessWhileWaiting(): void {
    if (this.queuedHere.size > 0) this.timer.ref();
    else this.timer.unref();
  }

  /** The heartbeat: keeps leases alive, takes stop requests, reclaims dead hosts' runs, starts queued ones. */
  private tick(): void {
    const { store } = this.options;
    this.guard('beat', () => {
      const previousBeatMs = this.lastBeatMs;
      this.lastBeatMs = Date.now();
      if (!store.leases.heartbeat(this.host.token, this.lastBeatMs)) store.leases.registerHost(this.host);
      for (const runId of store.leases.stopRequestsFor(this.host.token)) {
        const run = this.active.get(runId);
        if (run) this.stopLocal(run);
      }
      this.sweep(false, previousBeatMs);
      // A lease whose release failed (a write error at the worker's exit) would hold a slot forever.
      for (const lease of store.leases.leases())
        if (lease.hostToken === this.host.token && !this.active.has(lease.runId))
          store.leases.release(lease.runId, this.host.token);
      for (const runId of this.queuedHere) {
        // Another host cancelled (or started) a run this host queued: followers hear of it.
        if (!this.active.has(runId) && !store.leases.queueEntry(runId)) {
          this.queuedHere.delete(runId);
          this.holdProcessWhileWaiting();
          this.emitStatus(runId);
        }
      }
    });
    this.pump();
  }

  /** Takes back what dead hosts held; returns the runs it marked interrupted. */
  private sweep(starting: boolean, previousBeatMs = Date.now()): number[] {
    const { store, staleAfterMs, isAlive } = this.options;
    return sweepDeadHosts(
      this.context,
      store,
      { ...this.host, starting, activeRunIds: this.activeRunIds },
      {
        staleBefore: previousBeatMs - (staleAfterMs ?? 60_000),
        ...(isAlive ? { isAlive } : {}),
      },
    );
  }

  private pump(): void {
    const { store } = this.options;
    while (!this.closed) {
      const claimed = this.guard('start a queued run', () =>
        store.leases.claimNext(this.host, this.maxConcurrentRuns, (entry) => {
          const options = entry.options as LaunchOptions;
          if (!options.evaluation) {
            // A resumed run keeps its first start time: its duration spans the whole run.
            const started = options.resumeFromCheckpointId === undefined ? { startedAt: Date.now() } : {};
            store.runs.setStatus(entry.runId, {
              status: 'running',
              ...started,
              endedAt: null,
              ownerPid: process.pid,
            });
          }
        }),
      );
      if (!claimed) return;
      const { runId, options } = claimed.entry;
      this.queuedHere.delete(runId);
      this.holdProcessWhileWaiting();
      const run = launchWorker(this.context, runId, options as LaunchOptions, () => {
        this.active.delete(runId);
        this.pump();
      });
      if (run) this.active.set(runId, run);
    }
  }

  private finish(runId: number, ending: RunEnding): void {
    this.setStatus(runId, { ...ending, endedAt: Date.now(), ownerPid: null });
  }

  /** Status writes never throw: a host that cannot write says so on its terminal and goes on. */
  private setStatus(runId: number, change: RunStatusChange): void {
    this.guard(`set run ${runId} ${change.status}`, () => {
      if (!this.options.store.runs.summary(runId)) return;
      this.options.store.runs.setStatus(runId, change);
      this.emitStatus(runId);
    });
  }

  private emitStatus(runId: number): void {
    const summary = this.options.store.runs.summary(runId);
    if (summary) this.options.events.emit('run:status', summary);
  }

  private log(runId: number, level: LogLevel, message: string): void {
    this.guard(`log for run ${runId}`, () => {
      if (!this.options.store.runs.summary(runId)) return;
      const line = this.options.store.logs.append(runId, level, message);
      this.options.events.emit('run:log', { runId, lines: [line] });
    });
  }

  /** Runs a store operation of the host's own bookkeeping; a failure is reported, not thrown. */
  private guard<T>(what: string, operation: () => T): T | undefined {
    try {
      return operation();
    } catch (error) {
      console.error(
        `Decorbench could not ${what}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }
}
