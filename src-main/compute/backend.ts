import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice } from '@shared/config/run-config';
import type { GpuAdapterInfo } from '@shared/gpu';
import { guardHeapAllocations } from './heap-guard';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { clearTransposedWeights } from './wasm-kernels/large-weight-product';
import { defaultWasmThreads } from './wasm-thread-count';
import { useThreadedWasm } from './wasm-threads';
import { registerWebGpuTrainingKernels } from './webgpu-kernels';
import { startWebGpu } from './webgpu/setup';
import { registerWebGpuRelaxedKernels } from './webgpu-kernels/pair-spectra/register';

/** The backend a process computes with, and why the better ones were not used. */
export interface BackendSelection {
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  device: string;
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: GpuAdapterInfo;
  /** One line per backend that was tried and skipped, e.g. `tensorflow: tfjs-node-gpu is not installed`. */
  skipped: string[];
}

type NativeAttempt = { ok: true; device: string } | { ok: false; reason: string };

/** Optional native bindings, most capable first. Loaded by name so bundlers leave them alone. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function tryNative(packageName: string): Promise<NativeAttempt> {
  try {
    await import(/* @vite-ignore */ packageName);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const short = packageName.replace('@tensorflow/', '');
    if (/Cannot find (package|module)/.test(message) && message.includes(packageName)) {
      return { ok: false, reason: `${short} is not installed` };
    }
    return { ok: false, reason: `${short} failed to load: ${message.split('\n')[0]}` };
  }
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${packageName} did not initialise` };
  const device = packageName.endsWith('-gpu') ? 'CUDA GPU (libtensorflow)' : 'CPU (libtensorflow)';
  return { ok: true, device };
}

async function trySimple(name: 'wasm' | 'cpu', device: string): Promise<NativeAttempt> {
  try {
    if (!(await tf.setBackend(name))) return { ok: false, reason: `${name} did not initialise` };
    await tf.ready();
  } catch (error) {
    return { ok: false, reason: `${name} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, device };
}

/** wasm on `threads` threads, else (with the reason recorded) the stock single-thread build. */
async function tryWasm(threads: number, skipped: string[]): Promise<NativeAttempt> {
  const singleThread = 'CPU (WebAssembly, SIMD, 1 thread)';
  if (threads <= 1) return trySimple('wasm', singleThread);
  const threaded = useThreadedWasm(threads);
  const attempt = await trySimple('wasm', `CPU (WebAssembly, SIMD, ${threads} threads)`);
  if (attempt.ok) return attempt;
  skipped.push(`wasm with ${threads} threads: ${threaded.failure() ?? attempt.reason}`);
  threaded.restoreStock();
  return trySimple('wasm', singleThread);
}

/**
 * Picks the compute backend once per process: tensorflow (tfjs-node-gpu, then tfjs-node) ->
 * webgpu (a hardware adapter; a software one only when forced) -> wasm (on every core unless
 * `wasmThreads` says otherwise) -> cpu. A forced choice uses that backend or fails with the reason.
 */
export async function selectBackend(
  choice: BackendChoice = 'auto',
  wasmThreads = defaultWasmThreads(),
): Promise<BackendSelection> {
  const skipped: string[] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    for (const packageName of NATIVE_PACKAGES) {
      const attempt = await tryNative(packageName);
      if (attempt.ok) return { name: 'tensorflow', device: attempt.device, skipped };
      skipped.push(`tensorflow: ${attempt.reason}`);
    }
    if (choice === 'tensorflow')
      throw new Error(`The tensorflow backend is unavailable (${skipped.join('; ')})`);
  }
  if (choice === 'auto' || choice === 'webgpu') {
    const attempt = await startWebGpu(choice === 'webgpu');
    if (attempt.ok) {
      registerWebGpuRelaxedKernels();
      registerWebGpuTrainingKernels();
      return { name: 'webgpu', device: attempt.device, adapter: attempt.adapter, skipped };
    }
    if (choice === 'webgpu') throw new Error(`The webgpu backend is unavailable: ${attempt.reason}`);
    skipped.push(`webgpu: ${attempt.reason}`);
  }
  const order: ('wasm' | 'cpu')[] =
    choice === 'cpu' ? ['cpu'] : choice === 'wasm' ? ['wasm'] : ['wasm', 'cpu'];
  for (const name of order) {
    const attempt =
      name === 'wasm' ? await tryWasm(wasmThreads, skipped) : await trySimple('cpu', 'CPU (JavaScript)');
    if (attempt.ok) {
      // Training on wasm needs kernels it lacks and a fast path for transposed matmuls.
      if (name === 'wasm') {
        registerWasmTrainingKernels();
        guardHeapAllocations(tf.backend());
      }
      return { name, device: attempt.device, skipped };
    }
    skipped.push(`${name}: ${attempt.reason}`);
  }
  throw new Error(`No compute backend could start (${skipped.join('; ')})`);
}

/**
 * Frees what the backend keeps only to speed up forward passes (on wasm, the transposes of wide
 * weights: 512 MiB at d = 8192). Call it between a step's forward and backward passes, where
 * memory peaks.
 */
export function releaseForwardCaches(): void {
  if (tf.getBackend() === 'wasm') clearTransposedWeights(tf.backend());
}
