import type * as tf from '@tensorflow/tfjs';
import { heapAccess } from './heap';
import { permute } from './permute';

/**
 * The filter of the convolution that computes dx: the [kh, kw, ci, co] filter rotated by 180
 * degrees with its channel axes swapped, [kh, kw, co, ci], in one pass over the wasm heap (each
 * tap's [ci, co] plane transposed into the mirrored tap). wasm's `Reverse` plus `Transpose` take
 * ~100 ms for a 3x3x512x512 filter; this takes a few. The caller owns the returned tensor.
 */
export function rotateFilter(backend: tf.KernelBackend, filter: tf.TensorInfo): tf.TensorInfo {
  const [height, width, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const heap = heapAccess(backend);
  const out = heap.makeOutput([height, width, outChannels, inChannels], 'float32');
  const output = heap.typedArrayFromHeap(out);
  const input = heap.typedArrayFromHeap(filter);
  const taps = height * width;
  const plane = inChannels * outChannels;
  for (let tap = 0; tap < taps; tap++) {
    const mirrored = taps - 1 - tap;
    permute(
      input.subarray(tap * plane, (tap + 1) * plane),
      [inChannels, outChannels],
      [1, 0],
      output.subarray(mirrored * plane, (mirrored + 1) * plane),
    );
  }
  return out;
}
