import * as tf from '@tensorflow/tfjs';
import { KernelScratch, type KernelArguments } from './kernel-calls';

/**
 * `UnsortedSegmentSum` for wasm, which has none; it is the gradient of `tf.gather`
 * (e.g. a feature permutation `tf.gather(z, perm, 1)`). Built on wasm's `ScatterNd`, which adds up
 * rows sent to the same segment: out[s] = sum of x[i] over i with segmentIds[i] == s.
 * Segment ids must lie in [0, numSegments).
 */
export function unsortedSegmentSum(args: KernelArguments): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idCount = segmentIds.shape.reduce((product, size) => product * size, 1);
  const idRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idRank);
  const rowSize = rowShape.reduce((product, size) => product * size, 1);
  const scratch = new KernelScratch(backend);
  const indices = scratch.reshape(segmentIds, [idCount, 1]);
  const updates = scratch.reshape(x, [idCount, rowSize]);
  const sums = scratch.run(tf.ScatterNd, { indices, updates }, { shape: [numSegments, rowSize] });
  return scratch.finish(scratch.reshape(sums, [numSegments, ...rowShape]));
}
