import * as tf from '@tensorflow/tfjs';
import { KernelScratch, swapLastTwoAxes, wasmKernelFunc, type WasmBackend } from './kernel-calls';

/**
 * Right operands at least this large (float32 elements, 32 MiB) outgrow the CPU caches: XNNPACK
 * packs the right operand and streams all of it once per block of rows of the left, so a dense
 * layer x W with W 8192 x 8192 runs at half speed (128 rows: 350 ms, 470 ms with the packing).
 * Computed as (W^T x^T)^T, W^T streams once and x^T stays in cache: 200 ms, plus 170 ms for
 * W^T, which is made once per weight tensor and reused (both views of a step use it).
 * Below this size the direct product is faster (2048 x 2048: 13 ms against 14 ms).
 */
export const LARGE_RIGHT_OPERAND = 2 ** 23;

/** Left operands up to this size are transposed and packed cheaply in the swapped form. */
const SMALL_LEFT_OPERAND = 2 ** 21;

/** How many transposed weights are kept (a projector has two large layers). */
const CACHE_ENTRIES = 4;

interface CachedTranspose {
  source: object;
  transposed: tf.TensorInfo;
}

/** Transposed large right operands, most recently used last, per backend instance. */
const caches = new WeakMap<WasmBackend, CachedTranspose[]>();

/** B^T for `b` (2D view), from the cache while `b`'s data lives; disposes entries of freed tensors. */
function transposedOperand(backend: WasmBackend, b: tf.TensorInfo): tf.TensorInfo {
  let cache = caches.get(backend);
  if (cache === undefined) caches.set(backend, (cache = []));
  for (const entry of cache.filter((item) => backend.refCount(item.source) === 0)) {
    backend.disposeData(entry.transposed.dataId);
    cache.splice(cache.indexOf(entry), 1);
  }
  const hit = cache.find((item) => item.source === b.dataId);
  if (hit !== undefined) {
    cache.push(...cache.splice(cache.indexOf(hit), 1));
    return hit.transposed;
  }
  const transposed = wasmKernelFunc(tf.Transpose)({
    inputs: { x: b },
    backend,
    attrs: { perm: swapLastTwoAxes(b.shape.length) },
  }) as tf.TensorInfo;
  cache.push({ source: b.dataId, transposed });
  while (cache.length > CACHE_ENTRIES) backend.disposeData(cache.shift()!.transposed.dataId);
  return transposed;
}

/** Frees the transposed weights kept for `backend` (tests check for leaks with this). */
export function clearTransposedWeights(backend: WasmBackend): void {
  for (const entry of caches.get(backend) ?? []) backend.disposeData(entry.transposed.dataId);
  caches.delete(backend);
}

/** How many transposed weights are kept for `backend`. */
export function transposedWeightCount(backend: WasmBackend): number {
  return caches.get(backend)?.length ?? 0;
}

/**
 * C = A B (+ bias, linear or relu) for an unbatched product with a large B and a small A,
 * computed as (B^T A^T)^T with B^T cached (see `LARGE_RIGHT_OPERAND`). Returns null for the
 * products it does not speed up, which then run as usual.
 */
export function largeWeightProduct(
  original: tf.KernelFunc,
  inputs: tf.NamedTensorInfoMap,
  backend: WasmBackend,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo | null {
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  if (tf.util.sizeFromShape(b.shape) < LARGE_RIGHT_OPERAND) return null;
  if (tf.util.sizeFromShape(a.shape) > SMALL_LEFT_OPERAND) return null;
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;

  const scratch = new KernelScratch(backend);
  const left = transposedOperand(backend, b);
  const right = scratch.transpose(a, swapLastTwoAxes(a.shape.length));
  const plain = { transposeA: false, transposeB: false, activation: 'linear' };
  const productT = scratch.call(original, { a: left, b: right }, plain);
  let result = scratch.transpose(productT, swapLastTwoAxes(productT.shape.length));
  if (inputs.bias != null) result = scratch.run(tf.Add, { a: result, b: inputs.bias });
  if (activation === 'relu') result = scratch.run(tf.Relu, { x: result });
  return scratch.finish(result);
}
