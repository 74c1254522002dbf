import type * as tf from '@tensorflow/tfjs';
import type { PermutableArray } from './permute';

/** The parts of the wasm backend that let a kernel read and write tensors in the wasm heap. */
export interface HeapAccess {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): PermutableArray;
}

/** The wasm backend seen through `HeapAccess` (it has both methods, but not in tfjs-core's types). */
export function heapAccess(backend: tf.KernelBackend): HeapAccess {
  return backend as unknown as HeapAccess;
}
