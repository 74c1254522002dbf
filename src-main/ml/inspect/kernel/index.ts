import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import { gramReduceModule } from '../../../wasm/gram-reduce';
import { fillFactors, finishResult, planRequest } from './layout';
import { runInProcess, WorkerPool, type Job } from './pool';
import type { ReduceRequest, ReduceResult } from './types';

export type { Factors, ReduceRequest, ReduceResult } from './types';

/**
 * gramReduce: the inspector's fused GEMM + reduce (src-main/wasm/gram-reduce.ts) over a region
 * of M = L R^T, on worker threads sharing one WebAssembly.Memory. Requests run one at a time
 * (each already uses every thread); each gets a fresh memory sized to its region, so nothing
 * large stays alive between requests.
 */

interface WasmRuntime {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: ArrayBufferLike };
}

const wasm = (globalThis as { WebAssembly?: WasmRuntime }).WebAssembly;

let relaxedFlagSet = false;
const modules = new Map<string, object | null>();

/**
 * The compiled kernel for padded length `paddedN`; with `fma`, null when relaxed SIMD does
 * not compile here. Node 20 (V8 11.3) has relaxed SIMD behind a flag that may be set at run
 * time; newer runtimes ship it, so the flag is only set when the first validation fails.
 */
function compiled(paddedN: number, fma: boolean): object | null {
  const key = `${paddedN}:${fma}`;
  if (modules.has(key)) return modules.get(key)!;
  let module: object | null = null;
  if (wasm) {
    const bytes = gramReduceModule(paddedN, fma);
    let valid = wasm.validate(bytes);
    if (!valid && fma && !relaxedFlagSet) {
      relaxedFlagSet = true;
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      valid = wasm.validate(bytes);
    }
    module = valid ? new wasm.Module(bytes) : null;
  }
  modules.set(key, module);
  return module;
}

/** Whether the fused multiply-add kernel compiles in this runtime. */
export function relaxedSimdAvailable(): boolean {
  return compiled(16, true) !== null;
}

export interface GramReducerOptions {
  /** Worker threads; 0 runs in the calling thread. Default: the machine's cores, at most 8. */
  threads?: number;
  /** Use f32x4.relaxed_madd when it compiles (default true). */
  fma?: boolean;
  /** Compute half of a symmetric request and mirror it (default true). */
  symmetry?: boolean;
}

export interface GramReducer {
  reduce(request: ReduceRequest): Promise<ReduceResult>;
  /** What the last request ran on (threads 0: in this thread). */
  readonly used: { fma: boolean; threads: number };
  dispose(): Promise<void>;
}

export function createGramReducer(options: GramReducerOptions = {}): GramReducer {
  const threads = options.threads ?? Math.min(8, Math.max(1, availableParallelism()));
  let pool: Promise<WorkerPool | null> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const used = { fma: false, threads: 0 };

  const execute = async (request: ReduceRequest): Promise<ReduceResult> => {
    if (request.signal?.aborted) throw Object.assign(new Error('gramReduce aborted'), { name: 'AbortError' });
    if (threads > 0) pool ??= WorkerPool.start(threads);
    let workers = pool ? await pool : null;
    const slots = Math.max(1, workers?.size ?? 1);
    const plan = planRequest(request, slots, options.symmetry !== false);
    const fmaModule = options.fma === false ? null : compiled(plan.paddedN, true);
    const module = fmaModule ?? compiled(plan.paddedN, false);
    if (!module || !wasm) throw new Error('gramReduce: WebAssembly SIMD is not available');
    used.fma = fmaModule !== null;
    const attempt = async (inProcess: boolean) => {
      const pages = Math.ceil(plan.bytes / 65536);
      const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
      fillFactors(memory.buffer, plan, request);
      let done = 0;
      const job: Job = {
        ...{ module, memory, bands: plan.bands, calls: plan.calls, signal: request.signal },
        onBand: () => request.onProgress?.(++done, plan.bands.length),
      };
      used.threads = inProcess ? 0 : workers!.size;
      if (inProcess) await runInProcess(job);
      else await workers!.run(job);
      return finishResult(memory.buffer, plan, request, slots);
    };
    if (!workers) return attempt(true);
    try {
      return await attempt(false);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      // a thread died: drop the pool (the next request starts a new one) and finish here
      void workers.dispose();
      pool = null;
      workers = null;
      return attempt(true);
    }
  };

  return {
    used,
    reduce(request) {
      const result = queue.then(() => execute(request));
      queue = result.catch(() => undefined);
      return result;
    },
    async dispose() {
      const current = pool;
      pool = null;
      await (await current)?.dispose();
    },
  };
}

let shared: GramReducer | null = null;

/** The fused GEMM-reduce over the request's region of M (team design, "A -> B"). */
export function gramReduce(request: ReduceRequest): Promise<ReduceResult> {
  shared ??= createGramReducer();
  return shared.reduce(request);
}

/** Ends the shared reducer's threads (they never keep the process alive, but tests may end them). */
export async function disposeGramReduce(): Promise<void> {
  const current = shared;
  shared = null;
  await current?.dispose();
}
