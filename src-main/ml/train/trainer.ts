import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { LogLevel } from '@shared/runs';
import { makeViews } from '../augment/views';
import { gatherImages, type DatasetSplits } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
import { Random } from '../random';
import { evaluateKnn } from './evaluate';
import { createTrainingSetup } from './setup';
import { trainStep } from './step';

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
  samplesPerSecond: number;
  /** Data loading and augmentation, forward and loss, backward and update, whole step. */
  timings: { dataMs: number; forwardMs: number; backwardMs: number; stepMs: number };
  memory: { tensors: number; tfjsBytes: number; rssBytes: number };
}

export interface EvaluationReport {
  step: number;
  epoch: number;
  knnTop1: number;
  knnTop5?: number;
  durationMs: number;
}

export interface TrainerHooks {
  onStep(report: StepReport): void;
  onEvaluation?(report: EvaluationReport): void;
  /** Polled between steps; true ends the run with outcome `stopped`. */
  shouldStop(): boolean;
  log(level: LogLevel, message: string): void;
}

export interface TrainOutcome {
  outcome: 'completed' | 'stopped';
  steps: number;
  results: Record<string, number>;
}

/** Tensors a step may leave behind before the run is stopped as leaking (memory would run out). */
const LEAK_TOLERANCE = 16;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Self-supervised pre-training: two augmented views per image, the configured backbone and
 * projector, the loss from the registry with a fresh feature permutation every step (from the
 * run's seeded generator), the configured optimizer and warm-up + cosine schedule, and kNN
 * evaluation at initialisation, every `evaluation.everyEpochs` epochs and at the end.
 * Yields to the event loop after every step so stop requests are seen promptly.
 */
export async function trainSelfSupervised(
  config: RunConfig,
  data: DatasetSplits,
  loss: LossFunction,
  hooks: TrainerHooks,
): Promise<TrainOutcome> {
  const setup = createTrainingSetup(config, data);
  const { train, plan, pipelines, encoder, optimizer } = setup;
  const size = setup.viewSize;
  const random = new Random(config.seed);
  const augmentRandom = random.fork();
  const batchSize = config.training.batchSize;
  const shape = [batchSize, train.height, train.width, train.channels] as const;
  hooks.log(
    'info',
    `Training ${plan.totalSteps} steps (${plan.totalEpochs} epochs of ${plan.stepsPerEpoch}) on ${train.count} images of ${data.name}; ` +
      `${config.model.backbone} + projector, ${setup.parameterCount.toLocaleString('en')} parameters, views ${size}x${size}`,
  );

  let step = 0;
  let lastLoss = NaN;
  let tensorBaseline = -1;
  const results: Record<string, number> = {};
  const startedAt = performance.now();
  const evaluate = (label: 'initial' | 'final' | 'epoch') => {
    const evaluationStart = performance.now();
    const accuracy = evaluateKnn(encoder.backbone, data, config.evaluation, size);
    const report = {
      step,
      epoch: Math.ceil(step / plan.stepsPerEpoch),
      knnTop1: accuracy.top1,
      ...(accuracy.top5 === undefined ? {} : { knnTop5: accuracy.top5 }),
      durationMs: performance.now() - evaluationStart,
    };
    hooks.onEvaluation?.(report);
    const top5 = accuracy.top5 === undefined ? '' : `, top-5 ${(accuracy.top5 * 100).toFixed(1)}%`;
    hooks.log(
      'info',
      `kNN (k=${config.evaluation.knnK}) ${label}: top-1 ${(accuracy.top1 * 100).toFixed(1)}%${top5}`,
    );
    if (label !== 'epoch') {
      results[`${label}KnnTop1`] = accuracy.top1;
      if (accuracy.top5 !== undefined) results[`${label}KnnTop5`] = accuracy.top5;
    }
  };

  try {
    evaluate('initial');
    let order = random.permutation(train.count);
    while (step < plan.totalSteps) {
      if (hooks.shouldStop()) return outcomeOf('stopped');
      const epoch = Math.floor(step / plan.stepsPerEpoch);
      const inEpoch = step % plan.stepsPerEpoch;
      if (inEpoch === 0 && step > 0) order = random.permutation(train.count);
      const stepStart = performance.now();
      const batch = gatherImages(train, order.subarray(inEpoch * batchSize, (inEpoch + 1) * batchSize));
      const views = makeViews(batch, shape, pipelines, augmentRandom);
      const dataMs = performance.now() - stepStart;
      const permutation = drawPermutation(config.loss, config.model.projectorOutputDim, random);
      const learningRate = plan.learningRate(step);
      let result;
      try {
        result = await trainStep(encoder, optimizer, loss, views, permutation, learningRate);
      } finally {
        tf.dispose(views);
      }
      lastLoss = result.loss;
      if (!Number.isFinite(lastLoss)) {
        throw new Error(
          `The loss became ${lastLoss} at step ${step + 1}; lower the learning rate or check the loss parameters`,
        );
      }
      step += 1;
      const memory = tf.memory();
      if (step === 2) tensorBaseline = memory.numTensors;
      else if (tensorBaseline >= 0 && memory.numTensors > tensorBaseline + LEAK_TOLERANCE) {
        throw new Error(
          `Tensor leak: ${memory.numTensors - tensorBaseline} tensors were not freed since step 2`,
        );
      }
      const stepMs = performance.now() - stepStart;
      hooks.onStep({
        step,
        epoch: epoch + 1,
        totalSteps: plan.totalSteps,
        totalEpochs: plan.totalEpochs,
        loss: lastLoss,
        terms: result.terms,
        learningRate,
        samplesPerSecond: batchSize / (stepMs / 1000),
        timings: { dataMs, forwardMs: result.forwardMs, backwardMs: result.backwardMs, stepMs },
        memory: {
          tensors: memory.numTensors,
          tfjsBytes: memory.numBytes,
          rssBytes: process.memoryUsage.rss(),
        },
      });
      const everyEpochs = config.evaluation.everyEpochs;
      const epochEnded = step % plan.stepsPerEpoch === 0 && step < plan.totalSteps;
      if (everyEpochs > 0 && epochEnded && (step / plan.stepsPerEpoch) % everyEpochs === 0) evaluate('epoch');
      await yieldToEventLoop();
    }
    evaluate('final');
    return outcomeOf('completed');
  } finally {
    // Free the model on every exit, a failed step included.
    setup.dispose();
  }

  function outcomeOf(outcome: TrainOutcome['outcome']): TrainOutcome {
    return {
      outcome,
      steps: step,
      results: {
        ...results,
        loss: lastLoss,
        steps: step,
        durationMs: Math.round(performance.now() - startedAt),
      },
    };
  }
}
