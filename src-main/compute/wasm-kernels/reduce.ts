import * as tf from '@tensorflow/tfjs';
import { KernelScratch, type KernelArguments } from './kernel-calls';
import { prefersTiledTranspose } from './transpose';

/**
 * Wraps a wasm reduction (`Sum`, `Mean`) that reduces over innermost axes only and first moves
 * other axes there with its own untiled transpose (e.g. a column mean of [32768, 64] spends
 * ~50 ms transposing). For the large cases, the transpose goes through the registered
 * `Transpose` (the tiled one) and the stock kernel then reduces the innermost axes.
 */
export function wrapReduction(original: tf.KernelFunc): tf.KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params as unknown as KernelArguments;
    const x = inputs.x as tf.TensorInfo;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const perm = tf.backend_util.getAxesPermutation(axes, x.shape.length);
    if (perm == null || x.dtype !== 'float32' || !prefersTiledTranspose(x.shape, perm))
      return original(params);
    const scratch = new KernelScratch(backend);
    const moved = scratch.transpose(x, perm);
    const innermost = tf.backend_util.getInnerMostAxes(axes.length, x.shape.length);
    const reduced = scratch.call(original, { x: moved }, { axis: innermost, keepDims: false });
    const shape =
      attrs.keepDims === true ? tf.backend_util.expandShapeToKeepDim(reduced.shape, axes) : reduced.shape;
    return scratch.finish(scratch.reshape(reduced, shape));
  };
}
