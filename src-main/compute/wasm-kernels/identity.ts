import type * as tf from '@tensorflow/tfjs';
import type { KernelArguments } from './kernel-calls';

/**
 * `Identity` for wasm that shares the buffer (reference-counted, as the cpu backend and wasm's own
 * `Reshape` do) instead of copying it. The engine clones every tensor it saves for a gradient
 * through this kernel, so with wasm's copying kernel the tape held a second copy of nearly every
 * activation: for ResNet-18 about 20 MB per image. Tensors are immutable, so sharing is safe.
 * Returns null for strings (kept on the stock kernel).
 */
export function identity(args: KernelArguments): tf.TensorInfo | null {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return null;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
