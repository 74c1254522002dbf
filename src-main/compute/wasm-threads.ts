import * as tf from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The multi-threaded wasm backend in Node.
 *
 * tfjs-backend-wasm ships a pthreads build (XNNPACK on a thread pool) but never loads it in Node
 * (tfjs#3830): it hands Emscripten a Blob URL for the thread script, which Node's workers refuse.
 * The Emscripten glue itself supports Node's worker_threads, so we load that build with a real file
 * for the thread script. Two threads make the matmuls and convolutions ~1.9x faster on 2 cores.
 */

const resolver = createRequire(import.meta.url);
const packageRoot = dirname(resolver.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const glueFile = join(packageRoot, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
const binaryFile = join(packageRoot, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.wasm');

/** The parts of the Emscripten module we touch. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argumentTypes: string[]): (...args: number[]) => number;
  wasmMemory: { buffer: ArrayBufferLike };
  HEAPU8: Uint8Array;
  PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
  tfjs?: Record<string, (...args: number[]) => number>;
}

type ModuleFactory = (settings: Record<string, unknown>) => Promise<ThreadedModule>;

/** The thread script, written once per content to the temp folder (Node workers need a file). */
function threadScriptFile(): string {
  const { wasmWorkerContents } = resolver(
    join(packageRoot, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  // The package keeps the script in a template literal, so its "\n" escapes became newlines.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  // A thread that fails to load throws from Emscripten's worker error handler and ends the whole
  // process; compiling the script here turns a broken one into a clean fallback to one thread.
  new Script(script, { filename: 'tfjs-backend-wasm-threaded-simd.worker.js' });
  const digest = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const file = join(os.tmpdir(), `decorbench-tfjs-wasm-${digest}.worker.cjs`);
  if (!existsSync(file)) {
    // Written under a private name and renamed, so concurrent processes never see half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, script);
    renameSync(partial, file);
  }
  return file;
}

/**
 * Keeps `HEAPU8` current: with shared memory, a thread that grows the heap leaves the main
 * thread's views on the old, shorter buffer, and tfjs reads tensors through `HEAPU8`.
 */
function followHeapGrowth(module: ThreadedModule): void {
  let view = module.HEAPU8;
  Object.defineProperty(module, 'HEAPU8', {
    configurable: true,
    get: () => {
      if (view.buffer !== module.wasmMemory.buffer) view = new Uint8Array(module.wasmMemory.buffer);
      return view;
    },
    set: (next: Uint8Array) => {
      view = next;
    },
  });
}

async function createModule(threads: number): Promise<ThreadedModule> {
  const factory = resolver(glueFile) as ModuleFactory;
  const script = threadScriptFile();
  // tfjs caps its thread pool at half the logical cores (a guess at hyper-threading), which its
  // static constructors read from os.cpus(). Report enough cores for the count asked for, only
  // between preRun and onRuntimeInitialized, which run synchronously around those constructors.
  const realCpus = os.cpus;
  const fakeCpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]!);
  try {
    const module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? script : path.endsWith('.wasm') ? binaryFile : prefix + path,
      mainScriptUrlOrBlob: glueFile,
      preRun: [() => void (os.cpus = fakeCpus)],
      onRuntimeInitialized: () => void (os.cpus = realCpus),
    });
    followHeapGrowth(module);
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } finally {
    os.cpus = realCpus;
  }
}

/** The factory tfjs-backend-wasm registered (single thread), and the thread count we put in its place. */
let stockFactory: ReturnType<typeof tf.findBackendFactory> | undefined;
let registeredThreads: number | undefined;

export interface ThreadedWasm {
  /** Why the threaded backend failed to start, once it has. */
  failure(): string | undefined;
  /** Registers the stock single-thread build as `wasm` again. */
  restoreStock(): void;
}

/**
 * Makes the `wasm` backend the threaded build with `threads` threads (kernels stay registered
 * under `wasm`); it starts on the next `tf.setBackend('wasm')`.
 */
export function useThreadedWasm(threads: number): ThreadedWasm {
  let failure: string | undefined;
  const report: ThreadedWasm = {
    failure: () => failure,
    restoreStock: () => {
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', stockFactory!, 2);
      registeredThreads = undefined;
    },
  };
  // Selecting again with the same count keeps the running backend (and its threads).
  if (registeredThreads === threads) return report;
  stockFactory ??= tf.findBackendFactory('wasm');
  registeredThreads = threads;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await startThreaded(threads);
      } catch (error) {
        // tfjs only logs a failed backend factory; keep the reason for the selection report.
        failure = error instanceof Error ? error.message : String(error);
        throw error;
      }
    },
    2,
  );
  return report;
}

async function startThreaded(threads: number): Promise<tf.KernelBackend> {
  const module = await createModule(threads);
  setThreadsCount(threads);
  const backend = new BackendWasm(module as never);
  if (getThreadsCount() !== threads) {
    const started = getThreadsCount();
    backend.dispose(); // ends the pool's threads, which would otherwise keep the process alive
    throw new Error(`its thread pool started ${started} threads, not ${threads} (at most 8)`);
  }
  // Idle pool threads wait on the heap; unreferenced, they let the process exit when done.
  for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
  return backend;
}
