import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { wrapMatMul } from './batch-mat-mul';
import { conv2DBackpropFilter } from './conv2d-backprop-filter';
import { conv2DBackpropInput } from './conv2d-backprop-input';
import { identity } from './identity';
import { maxPoolGrad } from './max-pool-grad';
import type { KernelArguments } from './kernel-calls';
import { wrapReduction } from './reduce';
import { transpose } from './transpose';
import { unsortedSegmentSum } from './unsorted-segment-sum';

/** Marks kernel functions installed here, so registering twice (or from two bundles) changes nothing. */
const INSTALLED = Symbol.for('decorbench.wasmTrainingKernel');

type MarkedKernelFunc = tf.KernelFunc & { [INSTALLED]?: true };

/** Builds the new kernel function from the stock one (undefined where wasm has none). */
type Replacement = (stock: tf.KernelFunc | undefined) => tf.KernelFunc;

/** An implementation that returns null where the stock kernel should run instead. */
function withFallback(implementation: (args: KernelArguments) => tf.TensorInfo | null): Replacement {
  return (stock) => (params) => implementation(params as unknown as KernelArguments) ?? stock!(params);
}

const REPLACEMENTS: Record<string, Replacement> = {
  [tf.Conv2DBackpropFilter]: withFallback(conv2DBackpropFilter),
  [tf.UnsortedSegmentSum]: withFallback(unsortedSegmentSum),
  [tf.Conv2DBackpropInput]: withFallback(conv2DBackpropInput),
  [tf.Transpose]: withFallback(transpose),
  [tf.Identity]: withFallback(identity),
  [tf.MaxPoolGrad]: withFallback(maxPoolGrad),
  [tf.Sum]: (stock) => wrapReduction(stock!),
  [tf.Mean]: (stock) => wrapReduction(stock!),
  [tf.BatchMatMul]: (stock) => wrapMatMul(stock!),
  [tf._FusedMatMul]: (stock) => wrapMatMul(stock!),
};

/** The wasm kernels `registerWasmTrainingKernels` adds or replaces. */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.keys(REPLACEMENTS);

function installedHere(kernelName: string): boolean {
  const config = tf.getKernel(kernelName, 'wasm') as tf.KernelConfig | undefined;
  return (config?.kernelFunc as MarkedKernelFunc | undefined)?.[INSTALLED] === true;
}

/** Registers the replacement for wasm, keeping the setup and dispose hooks of the stock kernel. */
function install(kernelName: string, replacement: Replacement): void {
  const stock = tf.getKernel(kernelName, 'wasm') as tf.KernelConfig | undefined;
  const kernelFunc = replacement(stock?.kernelFunc) as MarkedKernelFunc;
  kernelFunc[INSTALLED] = true;
  if (stock !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...stock, kernelName, backendName: 'wasm', kernelFunc });
}

/**
 * Makes the wasm backend fit for training (call once when wasm is chosen; calling again is a
 * no-op; works before or after the backend is initialised):
 *
 * - adds the kernels wasm lacks that training steps hit: `Conv2DBackpropFilter`
 *   (tensorflow/tfjs#8474) and `UnsortedSegmentSum` (the gradient of `tf.gather`), built from
 *   kernels wasm runs with XNNPACK;
 * - wraps `BatchMatMul` and `_FusedMatMul` so transposed or batched products, which the matMul
 *   gradient always produces, take XNNPACK's path instead of wasm's 10-40x slower loop, and
 *   wide dense layers (weights over 32 MiB) run through a cached transpose of their weights;
 * - replaces `Conv2DBackpropInput` (a scalar loop in wasm) with an XNNPACK convolution,
 *   `Transpose` (an untiled loop) with a tiled copy for large tensors (WebAssembly SIMD blocks
 *   for 4-byte types), and `Identity` (a copy,
 *   made for every tensor the tape saves) with a shared reference, and `MaxPoolGrad` with one
 *   pass over the windows; `Sum` and `Mean` over leading axes of large tensors use the tiled
 *   transpose.
 *
 * Every replacement is checked against the cpu backend in tests/main/compute.
 */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, replacement] of Object.entries(REPLACEMENTS)) {
    if (!installedHere(kernelName)) install(kernelName, replacement);
  }
}
