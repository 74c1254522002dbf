import type * as tf from '@tensorflow/tfjs';
import type { KernelArguments } from './kernel-calls';
import { heapAccess } from './heap';
import { permute, simplifyPermutation } from './permute';
import { simdPlaneCopy } from './simd-transpose';

/** Sizes from which the tiled copy beats wasm's loop (measured on [B, H, W, C] and 2D shapes). */
const TILED_MIN_SIZE = 2 ** 21;
const TILED_MIN_SIZE_2D = 2 ** 18;

/**
 * Whether the tiled JS copy is worth it: wasm's own kernel is fine for small tensors and for
 * permutations that keep the innermost axis (whole rows move), but its untiled strided loop
 * degrades badly on large ones with power-of-two strides: [256, 32, 32, 64] to [64, 32, 32, 256]
 * takes 161 ms there and 44 ms tiled, [32768, 64] 27 ms against 4 ms.
 */
export function prefersTiledTranspose(shape: readonly number[], perm: readonly number[]): boolean {
  const simple = simplifyPermutation(shape, perm);
  const rank = simple.shape.length;
  if (rank < 2 || simple.perm[rank - 1] === rank - 1) return false;
  const size = simple.shape.reduce((product, length) => product * length, 1);
  return size >= (rank === 2 ? TILED_MIN_SIZE_2D : TILED_MIN_SIZE);
}

/**
 * `Transpose` for wasm with a cache-friendly (tiled) copy written in JS on the wasm heap, for
 * the large cases where wasm's kernel is slow (see `prefersTiledTranspose`); the explicit
 * transposes that keep matmuls and convolutions on XNNPACK go through here. Returns null when
 * the stock kernel should run (small or row-preserving permutations, other dtypes).
 */
export function transpose(args: KernelArguments): tf.TensorInfo | null {
  const { inputs, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const perm = attrs.perm as number[];
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return null;
  if (!prefersTiledTranspose(x.shape, perm)) return null;
  const backend = heapAccess(args.backend);
  const outShape = perm.map((axis) => x.shape[axis] as number);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views are taken after allocating: growing the heap detaches older views.
  const output = backend.typedArrayFromHeap(out);
  const input = backend.typedArrayFromHeap(x);
  const plane =
    input instanceof Uint8Array || output instanceof Uint8Array
      ? undefined
      : simdPlaneCopy(args.backend, input, output);
  permute(input, x.shape, perm, output, plane);
  return out;
}
