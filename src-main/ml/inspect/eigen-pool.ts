import { Worker } from 'node:worker_threads';
import { symmetricEigenvalues, tridiagonalEigenvalues, tridiagonalize } from './eigen';

/**
 * Several independent eigenvalue problems at once on worker threads (a snapshot's spectrum
 * needs four O(m^3) solves of m = 512: covariance and RankMe, of Z and of the backbone), so
 * both cores work. The threads run the same solver, passed as its own source text (eigen.ts
 * has no imports), so nothing needs bundling; when a thread cannot start or fails, the
 * problems are solved in this thread. Idle threads are unref'd and never keep a process alive.
 */

const THREADS = 2;
/** Below this side a solve takes under a millisecond: not worth a message. */
const MIN_PARALLEL_SIDE = 96;

const workerCode = () => `
const { parentPort } = require('node:worker_threads');
const tridiagonalize = ${tridiagonalize.toString()};
const tridiagonalEigenvalues = ${tridiagonalEigenvalues.toString()};
parentPort.on('message', ({ id, matrix, side }) => {
  try {
    const diagonal = new Float64Array(side);
    const off = new Float64Array(side);
    tridiagonalize(matrix, side, diagonal, off);
    tridiagonalEigenvalues(diagonal, off);
    parentPort.postMessage({ id, values: diagonal }, [diagonal.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface Answer {
  id: number;
  values?: Float64Array;
  error?: string;
}

let workers: Worker[] | null | undefined;
let nextId = 0;
/** Solves in flight per thread: a thread is ref'd while it has any. */
const pending = new Map<Worker, number>();

function pool(): Worker[] | null {
  if (workers !== undefined) return workers;
  try {
    workers = Array.from({ length: THREADS }, () => {
      const worker = new Worker(workerCode(), { eval: true });
      // a thread that dies between solves must not take the process down; the next solve falls back
      worker.on('error', () => {
        if (workers) for (const each of workers) void each.terminate();
        workers = null;
      });
      worker.unref();
      return worker;
    });
  } catch {
    workers = null;
  }
  return workers;
}

function solveOn(worker: Worker, matrix: Float64Array, side: number): Promise<Float64Array> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (answer: Answer) => {
      if (answer.id !== id) return;
      finish();
      if (answer.values) resolve(answer.values.sort().reverse());
      else reject(new Error(answer.error ?? 'eigenvalue thread failed'));
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    const onExit = () => onError(new Error('eigenvalue thread exited'));
    const finish = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      const left = (pending.get(worker) ?? 1) - 1;
      pending.set(worker, left);
      if (left === 0) worker.unref();
    };
    pending.set(worker, (pending.get(worker) ?? 0) + 1);
    worker.ref();
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, matrix, side });
  });
}

/**
 * Eigenvalues (largest first) of each symmetric side x side matrix, problems spread over the
 * threads; the same numbers as symmetricEigenvalues, which is the fallback.
 */
export async function eigenvaluesOfEach(
  problems: { matrix: Float64Array; side: number }[],
): Promise<Float64Array[]> {
  const threads = problems.some((problem) => problem.side >= MIN_PARALLEL_SIDE) ? pool() : null;
  if (!threads) return problems.map(({ matrix, side }) => symmetricEigenvalues(matrix, side));
  try {
    return await Promise.all(
      problems.map(({ matrix, side }, k) => solveOn(threads[k % threads.length]!, matrix.slice(), side)),
    );
  } catch {
    // a thread that failed once is not trusted again: solve here from now on
    for (const worker of threads) void worker.terminate();
    workers = null;
    return problems.map(({ matrix, side }) => symmetricEigenvalues(matrix, side));
  }
}

/**
 * Starts the threads ahead of problems of this side (their start-up overlaps), e.g. while the Grams
 * are formed; nothing happens for small sides or when the threads run already or cannot start.
 */
export function startEigenThreads(side: number): void {
  if (side >= MIN_PARALLEL_SIDE) pool();
}

/** Threads solving eigenvalue problems now (0 before the first large problem, or after a failure). */
export function eigenThreads(): number {
  return workers ? workers.length : 0;
}
