import { Worker } from 'node:worker_threads';
import { wasmApi } from '../../../wasm/wasm-api';
import type { Band } from './layout';

/**
 * Runs a request's bands on worker threads sharing the request's WebAssembly.Memory, or in
 * this thread when workers cannot start. The threads are made from a code string (eval), so
 * nothing needs bundling; they are unref'd while idle (the pool never keeps a process alive)
 * and ref'd only while a request runs.
 */

export interface Job {
  module: object;
  memory: object;
  bands: Band[];
  /** band()'s argument lists for a band on thread t. */
  calls(band: Band, thread: number): number[][];
  onBand(): void;
  signal?: AbortSignal;
}

type BandFunction = (...args: number[]) => void;

const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
let band = null;
parentPort.on('message', (message) => {
  if (message.release) {
    band = null;
    return;
  }
  if (message.setup) {
    band = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports.band;
    return;
  }
  try {
    for (const args of message.calls) band(...args);
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.message) || error) });
  }
});
`;

export function instantiate(module: object, memory: object): BandFunction {
  return new wasmApi!.Instance(module, { env: { memory } }).exports.band as BandFunction;
}

function abortError(): Error {
  const error = new Error('gramReduce aborted');
  error.name = 'AbortError';
  return error;
}

/** All bands in this thread, yielding to the event loop between bands (progress, abort). */
export async function runInProcess(job: Job): Promise<void> {
  const band = instantiate(job.module, job.memory);
  for (const each of job.bands) {
    if (job.signal?.aborted) throw abortError();
    for (const args of job.calls(each, 0)) band(...args);
    job.onBand();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export class WorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  get size(): number {
    return this.workers.length;
  }

  /** `count` started threads, or null when they cannot start (then use runInProcess). */
  static async start(count: number): Promise<WorkerPool | null> {
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: count }, async () => {
          const worker = new Worker(WORKER_CODE, { eval: true });
          workers.push(worker);
          await new Promise<void>((resolve, reject) => {
            worker.once('online', resolve);
            worker.once('error', reject);
          });
          worker.unref();
        }),
      );
      return new WorkerPool(workers);
    } catch {
      await Promise.all(workers.map((worker) => worker.terminate()));
      return null;
    }
  }

  async run(job: Job): Promise<void> {
    const queue = [...job.bands];
    let failure: Error | null = null;
    const drive = (worker: Worker, thread: number) =>
      new Promise<void>((resolve) => {
        let inFlight = 0;
        const send = () => {
          if (failure || job.signal?.aborted) return;
          const band = queue.shift();
          if (!band) return;
          inFlight++;
          worker.postMessage({ calls: job.calls(band, thread) });
        };
        const finish = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.unref();
          resolve();
        };
        const onMessage = (message: { ok: boolean; error?: string }) => {
          inFlight--;
          if (!message.ok) failure ??= new Error(`gramReduce worker: ${message.error}`);
          else job.onBand();
          send();
          if (inFlight === 0) finish();
        };
        const onError = (error: Error) => {
          failure ??= error;
          finish();
        };
        worker.ref();
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.postMessage({ setup: true, module: job.module, memory: job.memory });
        // two bands in flight, so a thread never waits for the next message
        send();
        send();
        if (inFlight === 0) finish();
      });
    await Promise.all(this.workers.map((worker, thread) => drive(worker, thread)));
    if (failure) throw failure;
    if (job.signal?.aborted) throw abortError();
  }

  /** The threads drop their instances (and with them the request's memory). */
  release(): void {
    for (const worker of this.workers) worker.postMessage({ release: true });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
