import type * as tf from '@tensorflow/tfjs';
import { buildModule, type FunctionBuilder } from '../../wasm/emitter';
import { wasmApi, type WasmMemory } from '../../wasm/wasm-api';

/** A generated kernel: i32 arguments (byte addresses in the heap, sizes), no result. */
export type HeapFunction = (...args: number[]) => void;

/** Instances per heap and kernel name (the stock backend's heap and the threaded one's differ). */
const instances = new WeakMap<WasmMemory, Map<string, HeapFunction | null>>();

/** The wasm backend's heap (exported as Module.wasmMemory by the pthreads build). */
function heapMemory(backend: tf.KernelBackend): WasmMemory | undefined {
  const module = (backend as { wasm?: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } } }).wasm;
  return module?.wasmMemory ?? module?.asm?.memory;
}

/**
 * The generated function `name` that `build()` returns, instantiated on the wasm backend's own heap so it
 * reads and writes tensors in place; null where that heap or WebAssembly SIMD is unavailable
 * (the caller then runs its JS version). Built once per heap.
 */
export function heapFunction(
  backend: tf.KernelBackend,
  name: string,
  build: () => FunctionBuilder,
): HeapFunction | null {
  const memory = heapMemory(backend);
  if (memory === undefined) return null;
  let kernels = instances.get(memory);
  if (kernels === undefined) instances.set(memory, (kernels = new Map()));
  if (kernels.has(name)) return kernels.get(name)!;
  let kernel: HeapFunction | null = null;
  try {
    const builder = build();
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    // A shared heap is imported with its own maximum, 4 GiB in tfjs's pthreads build.
    const bytes = buildModule([builder], 1, shared ? 65536 : undefined);
    if (wasmApi?.validate(bytes)) {
      const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
      kernel = instance.exports[builder.exportName] as HeapFunction;
    }
  } catch {
    kernel = null; // e.g. a heap whose limits differ
  }
  kernels.set(name, kernel);
  return kernel;
}

/** Whether `array` is a view of `backend`'s heap (so a heap function can reach it). */
export function onHeap(backend: tf.KernelBackend, array: ArrayBufferView): boolean {
  return heapMemory(backend)?.buffer === array.buffer;
}
