import * as tf from '@tensorflow/tfjs';
import type { LossFunction, LossOutput } from '../losses/registry';
import type { Encoder } from '../models/mlp-encoder';

export interface MicroBatchGradients {
  value: tf.Scalar;
  terms: Record<string, tf.Scalar>;
  grads: tf.NamedTensorMap;
  /** Backbone features of view 1 (for the online probe), when asked for. */
  features?: tf.Tensor2D;
  forwardMs: number;
}

function chunks(size: number, microBatchSize: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += microBatchSize)
    ranges.push([start, Math.min(microBatchSize, size - start)]);
  return ranges;
}

/** Batch-norm moving statistics and other non-trainable weights, copied. */
function snapshotStatistics(encoder: Encoder): { weight: tf.LayerVariable; value: tf.Tensor }[] {
  return [...encoder.backbone.nonTrainableWeights, ...encoder.projector.nonTrainableWeights].map(
    (weight) => ({
      weight,
      value: tf.clone(weight.read()),
    }),
  );
}

/**
 * Exact full-batch gradients of a batch-level loss in micro-batches (the "gradient cache"
 * method, Gao et al. 2021), for batches whose activations do not fit in memory (ResNet-18 at
 * batch 256 on wasm's 4 GiB heap):
 *   1. embed every micro-batch without a gradient tape;
 *   2. the loss and its gradient with respect to the whole batch's embeddings (cheap);
 *   3. per micro-batch, embed again on a tape and back-propagate that slice of the gradient:
 *      the variables' gradient of sum(z * dL/dz) is exactly the chain rule's.
 * Batch-norm sees micro-batches (as with per-device BN on several GPUs); its moving statistics
 * are updated once, by the first pass.
 */
export function microBatchGradients(
  encoder: Encoder,
  loss: LossFunction,
  views: [tf.Tensor4D, tf.Tensor4D],
  permutation: Int32Array | null,
  microBatchSize: number,
  variables: tf.Variable[],
  keepFeatures: boolean,
  afterForward?: () => void,
): MicroBatchGradients {
  const start = performance.now();
  const ranges = chunks(views[0].shape[0], microBatchSize);
  const slice = (view: tf.Tensor4D, [from, size]: [number, number]) =>
    view.slice([from, 0, 0, 0], [size, -1, -1, -1]);
  const embedded = ranges.map((range) =>
    tf.tidy(() => {
      const features = encoder.backbone.apply(slice(views[0], range), { training: true }) as tf.Tensor2D;
      const z1 = encoder.projector.apply(features, { training: true }) as tf.Tensor2D;
      const z2 = encoder.projector.apply(encoder.backbone.apply(slice(views[1], range), { training: true }), {
        training: true,
      }) as tf.Tensor2D;
      return { features, z1, z2 };
    }),
  );
  const statistics = snapshotStatistics(encoder);
  const z1 = tf.concat(embedded.map((part) => part.z1));
  const z2 = tf.concat(embedded.map((part) => part.z2));
  const features = keepFeatures ? tf.concat(embedded.map((part) => part.features)) : undefined;
  tf.dispose(embedded.flatMap((part) => [part.features, part.z1, part.z2]));
  let output: LossOutput | undefined;
  const { value, grads: embeddingGrads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
    output = loss(a as tf.Tensor2D, b as tf.Tensor2D, { permutation });
    for (const term of Object.values(output.terms)) tf.keep(term);
    return output.loss;
  })([z1, z2]);
  const forwardMs = performance.now() - start;
  const [dz1, dz2] = embeddingGrads as [tf.Tensor2D, tf.Tensor2D];
  const grads: tf.NamedTensorMap = {};
  try {
    for (const range of ranges) {
      const part = tf.variableGrads(() => {
        const a = encoder.projector.apply(
          encoder.backbone.apply(slice(views[0], range), { training: true }),
          {
            training: true,
          },
        ) as tf.Tensor2D;
        const b = encoder.projector.apply(
          encoder.backbone.apply(slice(views[1], range), { training: true }),
          {
            training: true,
          },
        ) as tf.Tensor2D;
        const [from, size] = range;
        afterForward?.();
        return tf.add(
          tf.sum(tf.mul(a, dz1.slice([from, 0], [size, -1]))),
          tf.sum(tf.mul(b, dz2.slice([from, 0], [size, -1]))),
        ) as tf.Scalar;
      }, variables);
      part.value.dispose();
      for (const [name, gradient] of Object.entries(part.grads)) {
        const previous = grads[name];
        grads[name] = previous ? tf.add(previous, gradient) : gradient;
        if (previous) tf.dispose([previous, gradient]);
      }
    }
  } finally {
    // The taped passes updated the moving statistics again: keep the first pass's update only.
    for (const { weight, value: saved } of statistics) weight.write(saved);
    tf.dispose([z1, z2, dz1, dz2, ...statistics.map((entry) => entry.value)]);
  }
  return {
    value: value as tf.Scalar,
    terms: output!.terms,
    grads,
    ...(features ? { features } : {}),
    forwardMs,
  };
}
