import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { LogLevel } from '@shared/runs';
import { lightView } from '../augment/light-views';
import { gatherImages, type DatasetSplits } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
import { createMlpEncoder, embed } from '../models/mlp-encoder';
import { Random } from '../random';

/** What one training step reports (scalars only, ready to be stored). */
export interface StepReport {
  step: number;
  epoch: number;
  totalSteps: number;
  totalEpochs: number;
  loss: number;
  /** The loss's named terms, unscaled, e.g. `onDiagonal`, `offDiagonal`. */
  terms: Record<string, number>;
  learningRate: number;
  stepTimeMs: number;
  samplesPerSecond: number;
}

export interface TrainerHooks {
  onStep(report: StepReport): void;
  /** Polled between steps; true ends the run with outcome `stopped`. */
  shouldStop(): boolean;
  log(level: LogLevel, message: string): void;
}

export interface TrainOutcome {
  outcome: 'completed' | 'stopped';
  steps: number;
  results: Record<string, number>;
}

/** Steps in the whole run: full batches per epoch (the last partial batch is dropped), capped by maxSteps. */
export function plannedSteps(
  config: RunConfig,
  trainCount: number,
): { stepsPerEpoch: number; totalSteps: number } {
  const stepsPerEpoch = Math.floor(trainCount / config.training.batchSize);
  if (stepsPerEpoch < 1) {
    throw new Error(
      `The training split has ${trainCount} images, fewer than one batch of ${config.training.batchSize}`,
    );
  }
  const totalSteps = Math.min(stepsPerEpoch * config.training.epochs, config.training.maxSteps ?? Infinity);
  return { stepsPerEpoch, totalSteps };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Self-supervised training of the foundation's small model: two augmented views per image,
 * the configured loss with a fresh feature permutation every step, Adam or SGD with momentum.
 * Yields to the event loop after every step so stop requests are seen promptly.
 */
export async function trainSelfSupervised(
  config: RunConfig,
  data: DatasetSplits,
  loss: LossFunction,
  hooks: TrainerHooks,
): Promise<TrainOutcome> {
  const { train } = data;
  const trainCount = Math.min(train.count, config.dataset.trainLimit ?? Infinity);
  const { stepsPerEpoch, totalSteps } = plannedSteps(config, trainCount);
  const totalEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const random = new Random(config.seed);
  const augmentRandom = random.fork();
  const encoder = createMlpEncoder({
    ...config.model,
    inputShape: [train.height, train.width, train.channels],
    seed: config.seed,
  });
  const variables = [...encoder.backbone.trainableWeights, ...encoder.projector.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const { learningRate, momentum } = config.optimizer;
  const optimizer =
    config.optimizer.name === 'adam'
      ? tf.train.adam(learningRate)
      : tf.train.momentum(learningRate, momentum);
  const batchSize = config.training.batchSize;
  const shape: [number, number, number, number] = [batchSize, train.height, train.width, train.channels];
  hooks.log(
    'info',
    `Training ${totalSteps} steps (${totalEpochs} epochs of ${stepsPerEpoch}) on ${trainCount} images of ${data.name}`,
  );

  let step = 0;
  let lastLoss = NaN;
  let order = random.permutation(trainCount);
  const startedAt = performance.now();
  try {
    while (step < totalSteps) {
      if (hooks.shouldStop()) return outcomeOf('stopped');
      const epoch = Math.floor(step / stepsPerEpoch);
      const inEpoch = step % stepsPerEpoch;
      if (inEpoch === 0 && step > 0) order = random.permutation(trainCount);
      const stepStart = performance.now();
      const batch = gatherImages(train, order.subarray(inEpoch * batchSize, (inEpoch + 1) * batchSize));
      const view1 = lightView(batch, shape, augmentRandom);
      const view2 = lightView(batch, shape, augmentRandom);
      const permutation = drawPermutation(config.loss, config.model.projectorOutputDim, random);
      let terms: Record<string, tf.Scalar> = {};
      const lossTensor = optimizer.minimize(
        () => {
          const output = loss(embed(encoder, view1, true), embed(encoder, view2, true), { permutation });
          terms = Object.fromEntries(
            Object.entries(output.terms).map(([name, term]) => [name, tf.keep(term)]),
          );
          return output.loss;
        },
        true,
        variables,
      )!;
      const [lossValue] = await lossTensor.data();
      const termValues = Object.fromEntries(
        await Promise.all(Object.entries(terms).map(async ([name, t]) => [name, (await t.data())[0]!])),
      );
      tf.dispose([lossTensor, view1, view2, ...Object.values(terms)]);
      lastLoss = lossValue!;
      if (!Number.isFinite(lastLoss)) {
        throw new Error(
          `The loss became ${lastLoss} at step ${step + 1}; lower the learning rate or check the loss parameters`,
        );
      }
      step += 1;
      const stepTimeMs = performance.now() - stepStart;
      hooks.onStep({
        step,
        epoch: epoch + 1,
        totalSteps,
        totalEpochs,
        loss: lastLoss,
        terms: termValues,
        learningRate,
        stepTimeMs,
        samplesPerSecond: batchSize / (stepTimeMs / 1000),
      });
      await yieldToEventLoop();
    }
    return outcomeOf('completed');
  } finally {
    // Free the model on every exit, a failed step included.
    encoder.backbone.dispose();
    encoder.projector.dispose();
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() skips the learning-rate scalar its SGD base keeps.
    if (config.optimizer.name === 'sgd') (optimizer as unknown as { c: tf.Scalar }).c.dispose();
  }

  function outcomeOf(outcome: TrainOutcome['outcome']): TrainOutcome {
    return {
      outcome,
      steps: step,
      results: { loss: lastLoss, steps: step, durationMs: Math.round(performance.now() - startedAt) },
    };
  }
}
