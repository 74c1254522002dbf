import type * as tf from '@tensorflow/tfjs';
import { planeKernel } from '../../wasm/transpose-plane';
import { heapFunction, onHeap } from './heap-module';

/**
 * Plane copies for `permute` through the generated SIMD transpose (src-main/wasm/transpose-plane.ts),
 * run on the wasm backend's own heap.
 */

/**
 * A plane copy for `permute` on arrays in `backend`'s heap, in elements: output[c * outputColumnStride
 * + r] = input[r * inputRowStride + c] from the given bases. Undefined when SIMD is unavailable.
 */
export type PlaneCopy = (
  inputBase: number,
  outputBase: number,
  rows: number,
  columns: number,
  inputRowStride: number,
  outputColumnStride: number,
) => void;

export function simdPlaneCopy(
  backend: tf.KernelBackend,
  input: Float32Array | Int32Array,
  output: Float32Array | Int32Array,
): PlaneCopy | undefined {
  const plane =
    onHeap(backend, input) && onHeap(backend, output) ? heapFunction(backend, 'plane', planeKernel) : null;
  if (!plane) return undefined;
  return (inputBase, outputBase, rows, columns, inputRowStride, outputColumnStride) => {
    plane(
      input.byteOffset + 4 * inputBase,
      output.byteOffset + 4 * outputBase,
      rows,
      columns,
      4 * inputRowStride,
      4 * outputColumnStride,
    );
  };
}
