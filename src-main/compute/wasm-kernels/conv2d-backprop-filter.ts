import * as tf from '@tensorflow/tfjs';
import { KernelScratch, type KernelArguments } from './kernel-calls';

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
 */
export function conv2DBackpropFilter(args: KernelArguments): tf.TensorInfo {
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
