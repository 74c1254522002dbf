import * as tf from '@tensorflow/tfjs';
import { heapAccess } from './heap';
import { heapFunction } from './heap-module';
import { KernelScratch, type KernelArguments } from './kernel-calls';
import { im2colKernel } from '../../wasm/im2col';

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
 * The product form with the column matrix written by a WebAssembly SIMD kernel straight from
 * the padded NHWC input (no slices, no concat), for channel counts that are multiples of 4:
 * XNNPACK then runs at matmul speed (measured: the small CNN's 14x14x32 -> 64 layer, 128
 * images, 31 ms -> 15 ms; ResNet-18's 32x32x64 layer, 64 images, 143 ms -> 70 ms). Images are
 * taken in chunks whose column matrix stays under `limit` floats, their products added up.
 * Null where the kernel cannot run on this heap.
 */
function simdColumnsGradient(
  scratch: KernelScratch,
  backend: tf.KernelBackend,
  padded: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  limit: number,
): tf.TensorInfo | null {
  const kernel = heapFunction(backend, 'im2col', im2colKernel);
  if (kernel === null) return null;
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  const [, height, width] = padded.shape as [number, number, number, number];
  const window = filterHeight * filterWidth * inChannels;
  const imagePixels = outHeight * outWidth;
  const chunk = Math.max(1, Math.min(batchSize, Math.floor(limit / (window * imagePixels))));
  const heap = heapAccess(backend);
  let sum: tf.TensorInfo | null = null;
  for (let first = 0; first < batchSize; first += chunk) {
    const images = Math.min(chunk, batchSize - first);
    const columns = scratch.keep(heap.makeOutput([1, window, images * imagePixels], 'float32'));
    // Views after allocating: the heap may have grown.
    const input = heap.typedArrayFromHeap(padded);
    const imageBytes = height * width * inChannels * 4;
    kernel(
      input.byteOffset + first * imageBytes,
      heap.typedArrayFromHeap(columns).byteOffset,
      images,
      height,
      width,
      inChannels,
      outHeight,
      outWidth,
      filterHeight,
      filterWidth,
      info.strideHeight,
      info.strideWidth,
    );
    const dyRows =
      images === batchSize
        ? scratch.reshape(dy, [1, images * imagePixels, outChannels])
        : scratch.reshape(
            scratch.run(tf.Slice, { x: dy }, { begin: [first, 0, 0, 0], size: [images, -1, -1, -1] }),
            [1, images * imagePixels, outChannels],
          );
    const product = scratch.run(
      tf.BatchMatMul,
      { a: columns, b: dyRows },
      { transposeA: false, transposeB: false },
    );
    sum = sum === null ? product : scratch.run(tf.Add, { a: sum, b: product });
  }
  return scratch.reshape(sum!, [filterHeight, filterWidth, inChannels, outChannels]);
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
 * Channel counts that are multiples of 4 take the product with a SIMD-built column matrix
 * (`simdColumnsGradient`), other thin inputs (few channels) the product with a column matrix
 * built from slices; `options` can force a form (tests check each) and cap the column matrix.
 */
export type FilterGradientForm = 'simd-columns' | 'columns' | 'convolution';

export function conv2DBackpropFilter(
  args: KernelArguments,
  options: { form?: FilterGradientForm; columnLimit?: number } = {},
): tf.TensorInfo {
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
  const columnLimit = options.columnLimit ?? IM2COL_LIMIT;
  const columnsSize =
    batch * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * inChannels;
  const form =
    options.form ??
    (inChannels % 4 === 0
      ? 'simd-columns'
      : inChannels <= IM2COL_MAX_CHANNELS && columnsSize <= columnLimit
        ? 'columns'
        : 'convolution');
  if (form === 'simd-columns') {
    if (inChannels % 4 !== 0)
      throw new Error('Conv2DBackpropFilter (wasm): simd-columns needs channels % 4 = 0');
    const gradient = simdColumnsGradient(scratch, backend, padded, dy, info, columnLimit);
    if (gradient !== null) return scratch.finish(gradient);
    if (options.form !== undefined)
      throw new Error('Conv2DBackpropFilter (wasm): no SIMD kernel on this heap');
  }
  if (form === 'columns') return scratch.finish(im2colGradient(scratch, padded, dy, info));
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
