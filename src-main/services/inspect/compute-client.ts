import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppFailure } from '@shared/errors';
import type {
  FromInspectWorker,
  InspectAnswers,
  InspectRequest,
  InspectWorkerData,
  ToInspectWorker,
} from '../../workers/inspect-protocol';

export type Priority = 'interactive' | 'background';

export interface ComputeOptions {
  /** Interactive requests (a view someone waits for) go before background ones (metrics). */
  priority?: Priority;
  /** Newer requests of the same slot replace queued older ones (see matrixSlot)... */
  slot?: string;
  /** ...beyond this many queued (default 1). */
  slotKeep?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Job {
  id: number;
  /** The view's key within its snapshot (snapshot_views.key). */
  key: string;
  /** Snapshot and key: equal requests share one computation. */
  identity: string;
  request: InspectRequest;
  priority: Priority;
  slot: string | undefined;
  listeners: Array<(done: number, total: number) => void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** A background job asked to stop for an interactive one: it goes back to the queue. */
  preempted?: boolean;
}

/** A thread left idle this long is ended: it holds decoded snapshots (up to a few hundred MB). */
const IDLE_EXIT_MS = 60_000;

/**
 * The main side of the inspector's compute thread: one request at a time, interactive before
 * background, equal requests share one computation, a newer request of a slot supersedes a
 * queued one. The thread starts on the first request, and while it has nothing to do it holds
 * neither the process (unref) nor, after a minute, its memory.
 */
export class InspectComputeClient {
  private worker: Worker | undefined;
  private running: Job | undefined;
  private readonly queue: Job[] = [];
  private readonly byKey = new Map<string, Job>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly entry: string | undefined,
    private readonly workerData: InspectWorkerData,
  ) {}

  compute<K extends InspectRequest['kind']>(
    key: string,
    request: Extract<InspectRequest, { kind: K }>,
    options: ComputeOptions = {},
  ): Promise<InspectAnswers[K]> {
    if (this.closed) return Promise.reject(new AppFailure('unavailable', 'The inspector is shutting down'));
    const identity = `${request.snapshotId}/${key}`;
    const existing = this.byKey.get(identity);
    if (existing) {
      if (options.onProgress) existing.listeners.push(options.onProgress);
      // An interactive caller waiting on a queued background job lifts it to the front.
      if (options.priority !== 'background' && existing.priority === 'background') {
        existing.priority = 'interactive';
        this.preemptBackground();
      }
      return new Promise((resolve, reject) => {
        const { resolve: first, reject: firstReject } = existing;
        existing.resolve = (value) => (first(value), resolve(value as InspectAnswers[K]));
        existing.reject = (error) => (firstReject(error), reject(error));
      });
    }
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        key,
        identity,
        request,
        priority: options.priority ?? 'interactive',
        slot: options.slot,
        listeners: options.onProgress ? [options.onProgress] : [],
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (job.slot !== undefined) this.supersede(job.slot, (options.slotKeep ?? 1) - 1);
      this.byKey.set(identity, job);
      this.queue.push(job);
      if (job.priority === 'interactive') this.preemptBackground();
      this.pump();
    });
  }

  /** Requests waiting or running (tests, and the host's shutdown). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Ends the thread; whatever is queued or running is rejected. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const failure = new AppFailure('unavailable', 'The inspector was shut down');
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(failure));
    if (this.running) {
      const job = this.running;
      this.running = undefined;
      this.settle(job, () => job.reject(failure));
    }
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** Leaves the newest `keep` queued jobs of the slot, rejects the older ones. */
  private supersede(slot: string, keep: number): void {
    let kept = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i]!;
      if (job.slot !== slot || kept++ < keep) continue;
      this.queue.splice(i, 1);
      this.settle(job, () =>
        job.reject(new AppFailure('conflict', 'Superseded by a newer request for the same view')),
      );
    }
  }

  /**
   * Someone waits for a view while the thread derives background metrics (seconds at large d):
   * the background job is cancelled (the kernel stops at its next band) and queued again.
   */
  private preemptBackground(): void {
    const job = this.running;
    if (!job || job.priority !== 'background' || job.preempted || !this.worker) return;
    job.preempted = true;
    const message: ToInspectWorker = { type: 'cancel', id: job.id };
    this.worker.postMessage(message);
  }

  private settle(job: Job, action: () => void): void {
    if (this.byKey.get(job.identity) === job) this.byKey.delete(job.identity);
    action();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const index = this.queue.findIndex((job) => job.priority === 'interactive');
    const job = this.queue.splice(index >= 0 ? index : 0, 1)[0];
    if (!job) {
      this.worker?.unref();
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => void this.stopIdleWorker(), IDLE_EXIT_MS);
      this.idleTimer.unref();
      return;
    }
    clearTimeout(this.idleTimer);
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      this.settle(job, () => job.reject(error));
      this.pump();
      return;
    }
    this.running = job;
    // While it computes, the thread keeps the process alive (a CLI waits for its answer).
    worker.ref();
    const message: ToInspectWorker = { type: 'compute', id: job.id, key: job.key, request: job.request };
    worker.postMessage(message);
  }

  private async stopIdleWorker(): Promise<void> {
    if (this.running || this.queue.length > 0 || !this.worker) return;
    const worker = this.worker;
    this.worker = undefined;
    await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    if (!this.entry || !existsSync(this.entry))
      throw new AppFailure(
        'unavailable',
        `The inspector's compute thread is missing (${this.entry ?? 'no entry file configured'}): build the app first (npm run build)`,
      );
    const worker = new Worker(this.entry, { workerData: this.workerData });
    worker.on('message', (message: FromInspectWorker) => this.onMessage(message));
    worker.on('error', (error) => this.onCrash(worker, `failed: ${error.message}`));
    worker.on('exit', (code) => this.onCrash(worker, `exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onMessage(message: FromInspectWorker): void {
    const job = this.running;
    if (message.type === 'ready' || !job || message.id !== job.id) return;
    if (message.type === 'progress') {
      for (const listener of job.listeners) listener(message.done, message.total);
      return;
    }
    this.running = undefined;
    if (message.type === 'result') this.settle(job, () => job.resolve(message.result));
    else if (job.preempted && message.code === 'conflict') {
      // Cancelled for an interactive request: run again later, under a new id.
      job.preempted = false;
      job.id = this.nextId++;
      this.queue.push(job);
    } else this.settle(job, () => job.reject(new AppFailure(message.code, message.message)));
    this.pump();
  }

  /** A thread that dies (out of memory, a bug) fails its request; the next request starts a new one. */
  private onCrash(worker: Worker, how: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const job = this.running;
    this.running = undefined;
    if (job)
      this.settle(job, () =>
        job.reject(
          new AppFailure('internal', `The inspector's compute thread ${how} while computing ${job.identity}`),
        ),
      );
    this.pump();
  }
}
