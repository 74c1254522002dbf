import * as tf from '@tensorflow/tfjs';

/** The arguments the engine passes to a webgpu kernel function. */
export interface WebGpuKernelArguments {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}

/** Runs stock webgpu kernels by name and frees every output but the one returned. */
class Scratch {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(private readonly backend: tf.KernelBackend) {}

  run(
    kernelName: string,
    inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    const config = tf.getKernel(kernelName, 'webgpu');
    if (!config) throw new Error(`conv2DBackpropFilter: webgpu has no ${kernelName} kernel`);
    const output = config.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    });
    const info = Array.isArray(output) ? output[0]! : output;
    this.intermediates.push(info);
    return info;
  }

  /** Frees the intermediates, keeping `result`. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.intermediates) if (info !== result) this.backend.disposeData(info.dataId);
    return result;
  }
}

/**
 * Below this many input channels the stock kernel runs. On SwiftShader (batch 32, 3x3 filters,
 * best of 2): 1 -> 32 channels at 28x28, stock 203 ms, taps 428 ms; 32 -> 64 at 14x14, 2860 vs
 * 1240 ms; 64 -> 128 at 7x7, 3152 vs 2113 ms; batch 8, 256 -> 512 at 4x4, 4322 vs 1443 ms.
 */
const MIN_IN_CHANNELS = 8;

/**
 * `Conv2DBackpropFilter` (the weight gradient of every convolution) for webgpu as one matrix
 * product per filter tap: dW[i, j] = (x shifted by tap (i, j), as [B*outH*outW, inC])^T x
 * (dy as [B*outH*outW, outC]). tfjs-backend-webgpu's own kernel gives each filter element one
 * thread that loops over the whole batch and image (B*outH*outW products in a row, no tiling);
 * its matrix product splits that long inner dimension across workgroups (MatMulSplitK).
 * NHWC with 'same' or 'valid' padding and at least 8 input channels; returns null otherwise (the
 * stock kernel runs).
 */
export function conv2DBackpropFilter(args: WebGpuKernelArguments): tf.TensorInfo | null {
  const { backend, attrs } = args;
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  // The models use 'same' and 'valid' only; explicit paddings keep the stock kernel.
  if (dataFormat === 'NCHW' || (pad !== 'same' && pad !== 'valid')) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, padInfo } = info;
  // Few input channels make many thin products: the stock kernel is faster there (first layers).
  if (inChannels < MIN_IN_CHANNELS) return null;
  const scratch = new Scratch(backend);
  const rows = batchSize * outHeight * outWidth;
  const padded =
    padInfo.top + padInfo.bottom + padInfo.left + padInfo.right === 0
      ? x
      : scratch.run(
          tf.PadV2,
          { x },
          {
            paddings: [
              [0, 0],
              [padInfo.top, padInfo.bottom],
              [padInfo.left, padInfo.right],
              [0, 0],
            ],
            constantValue: 0,
          },
        );
  const gradient = scratch.run(tf.Reshape, { x: dy }, { shape: [1, rows, outChannels] });
  const taps: tf.TensorInfo[] = [];
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      const begin = [0, i, j, 0];
      const end = [
        batchSize,
        i + (outHeight - 1) * strideHeight + 1,
        j + (outWidth - 1) * strideWidth + 1,
        inChannels,
      ];
      const shifted =
        strideHeight === 1 && strideWidth === 1
          ? scratch.run(
              tf.Slice,
              { x: padded },
              { begin, size: [batchSize, outHeight, outWidth, inChannels] },
            )
          : scratch.run(
              tf.StridedSlice,
              { x: padded },
              {
                begin,
                end,
                strides: [1, strideHeight, strideWidth, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      const columns = scratch.run(tf.Reshape, { x: shifted }, { shape: [1, rows, inChannels] });
      taps.push(
        scratch.run(tf.BatchMatMul, { a: columns, b: gradient }, { transposeA: true, transposeB: false }),
      );
    }
  }
  const stacked = taps.length === 1 ? taps[0]! : scratch.run(tf.Concat, taps, { axis: 0 });
  return scratch.finish(scratch.run(tf.Reshape, { x: stacked }, { shape: filterShape as number[] }));
}
