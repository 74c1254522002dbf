import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import { gramReduceModule } from '../../../wasm/gram-reduce';
import { fillFactors, finishResult, planRequest } from './layout';
import { instantiate, runInProcess, WorkerPool, type Job } from './pool';
import type { ReduceRequest, ReduceResult } from './types';

export type { Factors, ReduceRequest, ReduceResult } from './types';

/**
 * gramReduce: the inspector's fused GEMM + reduce (src-main/wasm/gram-reduce.ts) over a region
 * of M = L R^T, on worker threads sharing one WebAssembly.Memory. Requests run one at a time
 * (each already uses every thread); each gets a fresh memory sized to its region, so nothing
 * large stays alive between requests.
 */

interface SharedMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface WasmRuntime {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => SharedMemory;
}

/** The module's declared maximum (4 GiB); growing stays within it. */
const MAX_PAGES = 65536;
/** A reducer drops its memory (and the threads their instances) after this idle time. */
const RELEASE_AFTER_MS = 10_000;

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
    if (module) warmUp(module, paddedN);
  }
  modules.set(key, module);
  return module;
}

/**
 * V8 runs a new module's functions in its baseline compiler (Liftoff, about half speed here)
 * until they have run a while; a few calls on a small problem (~10 ms) get the optimised code
 * ready before the first real request (it is shared with every thread's instance).
 */
function warmUp(module: object, paddedN: number): void {
  const factors = { rows: 128, n: paddedN, data: new Float32Array(128 * paddedN) };
  const request: ReduceRequest = {
    ...{ left: factors, right: factors, rows: [0, 64], cols: [0, 128] },
    ...{ cellRows: 16, cellCols: 16, maskDiagonal: true },
  };
  const plan = planRequest(request, 1, false);
  const pages = Math.ceil(plan.bytes / 65536);
  const memory = new wasm!.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  const band = instantiate(module, memory);
  const [args] = plan.calls(plan.bands[0]!, 0);
  for (let call = 0; call < 10; call++) band(...args!);
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
  /** Rows per band (whole cells; default BAND_TARGET_ROWS), for benchmarks. */
  bandRows?: number;
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
  // One memory, reused and grown across requests (no garbage of 100+ MiB per request), dropped when idle.
  let memory: SharedMemory | null = null;
  let release: ReturnType<typeof setTimeout> | undefined;
  const memoryFor = (bytes: number): SharedMemory => {
    const pages = Math.ceil(bytes / 65536);
    if (!memory) memory = new wasm!.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const have = memory.buffer.byteLength / 65536;
    if (have < pages) memory.grow(pages - have);
    new Uint8Array(memory.buffer, 0, bytes).fill(0);
    return memory;
  };
  const scheduleRelease = () => {
    clearTimeout(release);
    release = setTimeout(() => {
      memory = null;
      void pool?.then((workers) => workers?.release());
    }, RELEASE_AFTER_MS);
    release.unref();
  };

  const execute = async (request: ReduceRequest): Promise<ReduceResult> => {
    clearTimeout(release); // a queued request may start after the previous one scheduled a release
    if (request.signal?.aborted) throw Object.assign(new Error('gramReduce aborted'), { name: 'AbortError' });
    if (threads > 0) pool ??= WorkerPool.start(threads);
    let workers = pool ? await pool : null;
    const slots = Math.max(1, workers?.size ?? 1);
    const plan = planRequest(request, slots, options.symmetry !== false, options.bandRows);
    const fmaModule = options.fma === false ? null : compiled(plan.paddedN, true);
    const module = fmaModule ?? compiled(plan.paddedN, false);
    if (!module || !wasm) throw new Error('gramReduce: WebAssembly SIMD is not available');
    used.fma = fmaModule !== null;
    const attempt = async (inProcess: boolean) => {
      const memory = memoryFor(plan.bytes);
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
      clearTimeout(release);
      const result = queue.then(() => execute(request)).finally(scheduleRelease);
      queue = result.catch(() => undefined);
      return result;
    },
    async dispose() {
      clearTimeout(release);
      memory = null;
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
