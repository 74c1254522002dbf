import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from '../losses/registry';
import { embed, type Encoder } from '../models/mlp-encoder';
import type { ParameterOptimizer } from '../optim/parameter-optimizer';
import { microBatchGradients } from './micro-batches';
import type { OnlineProbe } from './probe';

/** One step's scalars and where its time went. */
export interface StepResult {
  loss: number;
  terms: Record<string, number>;
  /** Right predictions of the online probe in this batch (when there is a probe). */
  probeCorrect?: number;
  forwardMs: number;
  backwardMs: number;
}

export interface StepInputs {
  encoder: Encoder;
  optimizer: ParameterOptimizer;
  loss: LossFunction;
  views: [tf.Tensor4D, tf.Tensor4D];
  permutation: Int32Array | null;
  learningRate: number;
  /** The online probe and this batch's labels, or null. */
  probe?: { probe: OnlineProbe; labels: Int32Array } | null;
  /** Compute the gradients in micro-batches of this size (exact, see `microBatchGradients`). */
  microBatchSize?: number;
  /** Called between the forward and backward passes, where memory peaks (see `TrainerHooks`). */
  afterForward?: () => void;
}

/**
 * Forward both views, the loss, gradients of every trainable weight, one optimizer update (and
 * the online probe's, on features detached from the encoder). On the CPU-side backends (wasm,
 * cpu, tensorflow) kernels run synchronously, so the time spent inside the loss closure is the
 * forward pass and the rest, up to the read-back, is backward and update.
 */
export async function trainStep(inputs: StepInputs): Promise<StepResult> {
  const { encoder, optimizer, loss, views, permutation, learningRate } = inputs;
  const probe = inputs.probe ?? null;
  const start = performance.now();
  let forwardMs = 0;
  let terms: Record<string, tf.Scalar> = {};
  let features: tf.Tensor2D | undefined;
  const micro = inputs.microBatchSize;
  const { value, grads } =
    micro !== undefined && micro < views[0].shape[0]
      ? (() => {
          const result = microBatchGradients(
            encoder,
            loss,
            views,
            permutation,
            micro,
            optimizer.variables as tf.Variable[],
            probe !== null,
            inputs.afterForward,
          );
          terms = result.terms;
          features = result.features;
          forwardMs = result.forwardMs;
          return result;
        })()
      : tf.variableGrads(() => {
          const backboneOutput = encoder.backbone.apply(views[0], { training: true }) as tf.Tensor2D;
          // Kept for the probe, which trains on it after this tape is gone (a detached copy).
          if (probe) features = tf.keep(backboneOutput);
          const z1 = encoder.projector.apply(backboneOutput, { training: true }) as tf.Tensor2D;
          const z2 = embed(encoder, views[1], true);
          const output = loss(z1, z2, { permutation });
          terms = Object.fromEntries(
            Object.entries(output.terms).map(([name, term]) => [name, tf.keep(term)]),
          );
          forwardMs = performance.now() - start;
          inputs.afterForward?.();
          return output.loss;
        }, optimizer.variables as tf.Variable[]);
  try {
    optimizer.step(grads, learningRate);
    const probeCorrect = probe && features ? await probe.probe.train(features, probe.labels) : undefined;
    const names = Object.keys(terms);
    const scalars = await Promise.all(
      [value, ...names.map((name) => terms[name]!)].map((tensor) => tensor.data()),
    );
    return {
      loss: scalars[0]![0]!,
      terms: Object.fromEntries(names.map((name, i) => [name, scalars[i + 1]![0]!])),
      ...(probeCorrect === undefined ? {} : { probeCorrect }),
      forwardMs,
      backwardMs: performance.now() - start - forwardMs,
    };
  } finally {
    tf.dispose([value, ...Object.values(grads), ...Object.values(terms)]);
    if (features) features.dispose();
  }
}
