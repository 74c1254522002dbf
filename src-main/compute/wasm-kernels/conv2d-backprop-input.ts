import * as tf from '@tensorflow/tfjs';
import { KernelScratch, type KernelArguments } from './kernel-calls';
import { rotateFilter } from './rotate-filter';

/**
 * `Conv2DBackpropInput` for wasm as one XNNPACK convolution, replacing wasm's scalar loop:
 * dx is the stride-1 "full" correlation of dy, dilated by the stride (zeros between its rows and
 * columns) and padded by (filter - 1 - pad), with the filter rotated by 180 degrees and its
 * in/out channels swapped. Returns null when the padding is one this form does not cover
 * (explicit padding wider than the filter), so the caller can use the stock kernel.
 */
export function conv2DBackpropInput(args: KernelArguments): tf.TensorInfo | null {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') return null;
  if (filter.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const padTop = info.filterHeight - 1 - info.padInfo.top;
  const padLeft = info.filterWidth - 1 - info.padInfo.left;
  if (padTop < 0 || padLeft < 0) return null;
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number];
  const strideHeight = info.strideHeight;
  const strideWidth = info.strideWidth;
  // The dilated dy is (out - 1) * stride + 1 long; dilating by padding each element after
  // leaves (stride - 1) trailing zeros, which count towards the bottom/right padding.
  const dilatedHeight = outHeight * strideHeight;
  const dilatedWidth = outWidth * strideWidth;
  const padBottom = info.inHeight + info.filterHeight - 1 - padTop - dilatedHeight;
  const padRight = info.inWidth + info.filterWidth - 1 - padLeft - dilatedWidth;

  const scratch = new KernelScratch(backend);
  let dilated = dy;
  if (strideHeight > 1 || strideWidth > 1) {
    const spread = scratch.reshape(dy, [batch, outHeight, 1, outWidth, 1, outChannels]);
    const paddings = [
      [0, 0],
      [0, 0],
      [0, strideHeight - 1],
      [0, 0],
      [0, strideWidth - 1],
      [0, 0],
    ];
    const zeros = scratch.run(tf.PadV2, { x: spread }, { paddings, constantValue: 0 });
    dilated = scratch.reshape(zeros, [batch, dilatedHeight, dilatedWidth, outChannels]);
  }
  let padded = dilated;
  if (padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0) {
    const paddings = [
      [0, 0],
      [padTop, Math.max(padBottom, 0)],
      [padLeft, Math.max(padRight, 0)],
      [0, 0],
    ];
    padded = scratch.run(tf.PadV2, { x: dilated }, { paddings, constantValue: 0 });
  }
  if (padBottom < 0 || padRight < 0) {
    const size = [
      batch,
      info.inHeight + info.filterHeight - 1,
      info.inWidth + info.filterWidth - 1,
      outChannels,
    ];
    padded = scratch.run(tf.Slice, { x: padded }, { begin: [0, 0, 0, 0], size });
  }
  const swapped = scratch.keep(rotateFilter(backend, filter));
  const attributes = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
  return scratch.finish(
    scratch.run(tf.Conv2D, { x: padded, filter: swapped }, attributes as tf.NamedAttrMap),
  );
}
