import * as tf from '@tensorflow/tfjs';
import { heapAccess } from './heap';
import { heapFunction, onHeap } from './heap-module';
import type { KernelArguments } from './kernel-calls';
import { maxPoolGradKernel } from '../../wasm/max-pool-grad';

/**
 * `MaxPoolGrad` for wasm: one pass over the pooled outputs that finds each window's first
 * maximum (row-major, as the cpu backend's `maxPoolPositions`) and adds dy there. The stock
 * wasm kernel revisits every window once per input pixel it covers, about 5x slower for the
 * 2x2 pools of the small CNN. Float32, channels-last, dilation 1 (all tfjs asks of it).
 * Four channels at a time in WebAssembly SIMD where the channel count allows.
 */
export function maxPoolGrad(args: KernelArguments): tf.TensorInfo | null {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const input = inputs.input as tf.TensorInfo;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const heap = heapAccess(backend);
  const dx = heap.makeOutput(input.shape, 'float32');
  const x = heap.typedArrayFromHeap(input) as Float32Array;
  const gradient = heap.typedArrayFromHeap(dy) as Float32Array;
  const result = heap.typedArrayFromHeap(dx) as Float32Array;
  result.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const simd =
    channels % 4 === 0 && onHeap(backend, x) ? heapFunction(backend, 'maxPoolGrad', maxPoolGradKernel) : null;
  if (simd) {
    simd(
      x.byteOffset,
      gradient.byteOffset,
      result.byteOffset,
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      filterHeight,
      filterWidth,
      top,
      left,
    );
    return dx;
  }
  const rowStride = inWidth * channels;
  const imageStride = inHeight * rowStride;
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * imageStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        for (let c = 0; c < channels; c++, out++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let y = yStart; y < yEnd; y++) {
            let index = image + y * rowStride + xStart * channels + c;
            for (let column = xStart; column < xEnd; column++, index += channels) {
              const value = x[index]!;
              if (value > best) {
                best = value;
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) result[bestIndex] = result[bestIndex]! + gradient[out]!;
        }
      }
    }
  }
  return dx;
}
