import * as tf from '@tensorflow/tfjs';
import { KernelScratch, type KernelArguments } from './kernel-calls';

/** Largest column matrix (in floats) the product form builds: 128 MB. */
const IM2COL_LIMIT = 32 * 1024 * 1024;
/**
 * The product form wins where few input channels make the convolution form's filter windows
 * thin: measured for the small CNN (128 images), 6 ms against 30 ms at 1 channel, a tie at 32,
 * 39 ms against 30 ms at 64 (wasm's slices and concat cost what the product saves).
 */
const IM2COL_MAX_CHANNELS = 16;

/**
 * dW as one product, columns [kh*kw*ci, M] x dy [M, co] with M = batch*oh*ow, where column m
 * of `columns` holds the input window of output pixel m (im2col, built channels-first from one
 * strided slice per filter tap). XNNPACK runs it at matmul speed and packs only dy.
 */
function im2colGradient(
  scratch: KernelScratch,
  padded: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  const { strideHeight, strideWidth } = info;
  const channelsFirst = scratch.transpose(padded, [3, 0, 1, 2]);
  const taps: tf.TensorInfo[] = [];
  for (let row = 0; row < filterHeight; row++) {
    for (let column = 0; column < filterWidth; column++) {
      const begin = [0, 0, row, column];
      taps.push(
        strideHeight === 1 && strideWidth === 1
          ? scratch.run(
              tf.Slice,
              { x: channelsFirst },
              { begin, size: [inChannels, batchSize, outHeight, outWidth] },
            )
          : scratch.run(
              tf.StridedSlice,
              { x: channelsFirst },
              {
                begin,
                end: [
                  inChannels,
                  batchSize,
                  row + (outHeight - 1) * strideHeight + 1,
                  column + (outWidth - 1) * strideWidth + 1,
                ],
                strides: [1, 1, strideHeight, strideWidth],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            ),
      );
    }
  }
  const pixels = batchSize * outHeight * outWidth;
  const window = filterHeight * filterWidth * inChannels;
  const joined = taps.length === 1 ? taps[0]! : scratch.run(tf.Concat, taps, { axis: 0 });
  const columns = scratch.reshape(joined, [1, window, pixels]);
  const dyRows = scratch.reshape(dy, [1, pixels, outChannels]);
  const product = scratch.run(
    tf.BatchMatMul,
    { a: columns, b: dyRows },
    { transposeA: false, transposeB: false },
  );
  return scratch.reshape(product, [filterHeight, filterWidth, inChannels, outChannels]);
}

/**
 * `Conv2DBackpropFilter` for wasm, which has none (tensorflow/tfjs#8474), as one XNNPACK convolution:
 *
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} xPadded[b, oh*s + kh, ow*s + kw, ci] * dy[b, oh, ow, co]
 *
 * is a stride-1 convolution whose "batch" is ci, whose "channels" are b, with input
 * xPadded^T [ci, H', W', b], filter dy^T [oh, ow, b, co] and filter dilation s; its output
 * [ci, kh, kw, co] transposed is dW. Correct for any stride and padding mode with dilation 1,
 * which is all tfjs computes conv2d gradients for. (Going through the wasm `Conv3DBackpropFilterV2`
 * kernel instead is wrong for stride > 1.)
 *
 * Thin inputs (few channels) take the im2col product instead; `im2colLimit` caps its column
 * matrix (in floats).
 */
export function conv2DBackpropFilter(args: KernelArguments, im2colLimit = IM2COL_LIMIT): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat '${dataFormat}' is not supported, use 'NHWC'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [batch, height, width, inChannels] = x.shape as [number, number, number, number];
  // Rows and columns of the padded input that the filter windows actually touch.
  const usedHeight = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const usedWidth = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const padBottom = usedHeight - height - info.padInfo.top;
  const padRight = usedWidth - width - info.padInfo.left;

  const scratch = new KernelScratch(backend);
  let padded = x;
  if (info.padInfo.top > 0 || info.padInfo.left > 0 || padBottom > 0 || padRight > 0) {
    const paddings = [
      [0, 0],
      [info.padInfo.top, Math.max(padBottom, 0)],
      [info.padInfo.left, Math.max(padRight, 0)],
      [0, 0],
    ];
    padded = scratch.run(tf.PadV2, { x }, { paddings, constantValue: 0 });
  }
  if (padBottom < 0 || padRight < 0) {
    padded = scratch.run(
      tf.Slice,
      { x: padded },
      { begin: [0, 0, 0, 0], size: [batch, usedHeight, usedWidth, inChannels] },
    );
  }
  const columnsSize =
    batch * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * inChannels;
  if (inChannels <= IM2COL_MAX_CHANNELS && columnsSize <= im2colLimit) {
    return scratch.finish(im2colGradient(scratch, padded, dy, info));
  }
  const input = scratch.transpose(padded, [3, 1, 2, 0]);
  const filter = scratch.transpose(dy, [1, 2, 0, 3]);
  const gradient = scratch.run(tf.Conv2D, { x: input, filter }, {
    strides: [1, 1],
    pad: 'valid',
    dataFormat: 'NHWC',
    dilations: [info.strideHeight, info.strideWidth],
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap);
  return scratch.finish(scratch.transpose(gradient, [1, 2, 0, 3]));
}
