import type * as tf from '@tensorflow/tfjs';

/** What the wasm backend's module exposes for allocations. */
interface WasmModule {
  _malloc(bytes: number): number;
  asm?: { malloc?: (bytes: number) => number };
  [guarded]?: true;
}

const guarded = Symbol.for('decorbench.heapGuard');

export class HeapExhaustedError extends Error {
  constructor(bytes: number) {
    super(
      `The wasm backend is out of memory: it could not allocate ${(bytes / 2 ** 20).toFixed(0)} MiB more ` +
        '(WebAssembly memory is limited to 4 GiB). Use a smaller embedding dimension or batch, ' +
        'micro-batches (training.microBatchSize), or fewer optimizer buffers (e.g. SGD without momentum).',
    );
    this.name = 'HeapExhaustedError';
  }
}

/**
 * Makes a failed tensor allocation on wasm throw a clear error. tfjs does not check: a failed
 * malloc returns 0, the tensor is placed at address 0, and the next kernel corrupts memory. On one
 * thread that ends in "memory access out of bounds"; on several, a pool thread can trap while the
 * main thread waits for it forever.
 */
export function guardHeapAllocations(backend: tf.KernelBackend): void {
  const module = (backend as { wasm?: WasmModule }).wasm;
  if (module === undefined || module[guarded]) return;
  // The raw export: Emscripten's `_malloc` is a stub that replaces itself on its first call.
  const malloc = module.asm?.malloc ?? module._malloc.bind(module);
  module._malloc = (bytes: number) => {
    let address: number;
    try {
      address = malloc(bytes);
    } catch (error) {
      // Emscripten's allocator traps instead of returning 0 when the heap cannot grow further.
      if (error instanceof Error && /out of bounds/.test(error.message)) throw new HeapExhaustedError(bytes);
      throw error;
    }
    if (address === 0 && bytes > 0) throw new HeapExhaustedError(bytes);
    return address;
  };
  module[guarded] = true;
}
