import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from '../losses/registry';
import { embed, type Encoder } from '../models/mlp-encoder';
import type { ParameterOptimizer } from '../optim/parameter-optimizer';

/** One step's scalars and where its time went. */
export interface StepResult {
  loss: number;
  terms: Record<string, number>;
  forwardMs: number;
  backwardMs: number;
}

/**
 * Forward both views, the loss, gradients of every trainable weight, one optimizer update.
 * On the CPU-side backends (wasm, cpu, tensorflow) kernels run synchronously, so the time spent
 * inside the loss closure is the forward pass and the rest, up to the read-back, is backward and
 * update.
 */
export async function trainStep(
  encoder: Encoder,
  optimizer: ParameterOptimizer,
  loss: LossFunction,
  views: [tf.Tensor4D, tf.Tensor4D],
  permutation: Int32Array | null,
  learningRate: number,
): Promise<StepResult> {
  const start = performance.now();
  let forwardMs = 0;
  let terms: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const output = loss(embed(encoder, views[0], true), embed(encoder, views[1], true), { permutation });
    terms = Object.fromEntries(Object.entries(output.terms).map(([name, term]) => [name, tf.keep(term)]));
    forwardMs = performance.now() - start;
    return output.loss;
  }, optimizer.variables as tf.Variable[]);
  try {
    optimizer.step(grads, learningRate);
    const names = Object.keys(terms);
    const scalars = await Promise.all(
      [value, ...names.map((name) => terms[name]!)].map((tensor) => tensor.data()),
    );
    return {
      loss: scalars[0]![0]!,
      terms: Object.fromEntries(names.map((name, i) => [name, scalars[i + 1]![0]!])),
      forwardMs,
      backwardMs: performance.now() - start - forwardMs,
    };
  } finally {
    tf.dispose([value, ...Object.values(grads), ...Object.values(terms)]);
  }
}
