import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { LogLevel } from '@shared/runs';
import { makeViews } from '../augment/views';
import { gatherImages, type DatasetSplits } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
import type { CheckpointContents } from '../checkpoint/format';
import { Random } from '../random';
import { evaluateKnn, heldOutFeatures } from './evaluate';
import { createTrainingSetup, type TrainingSetup } from './setup';
import { captureCheckpoint, restoreCheckpoint, type LoopState } from './state';
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

/** Scalars measured off the training step: kNN accuracy, the online probe's accuracy. */
export interface EvaluationReport {
  step: number;
  epoch: number;
  /** By metric name, e.g. `knn/top1`, `probe/val_top1`. */
  values: Record<string, number>;
  durationMs: number;
}

export interface CheckpointReport {
  step: number;
  epoch: number;
  contents: CheckpointContents;
  /** The kNN top-1 accuracy measured at this step, if any (for keep-best retention). */
  knnTop1?: number;
  reason: 'schedule' | 'stop' | 'final';
}

export interface TrainerHooks {
  onStep(report: StepReport): void;
  onEvaluation?(report: EvaluationReport): void;
  /** A checkpoint to store; the loop waits for it (so a crash right after loses nothing before it). */
  onCheckpoint?(report: CheckpointReport): Promise<void> | void;
  /** Polled between steps; true ends the run with outcome `stopped`. */
  shouldStop(): boolean;
  /**
   * Called in every step between the forward and backward passes, where memory peaks: the
   * compute backend can drop what it keeps only for forward passes there.
   */
  afterForward?(): void;
  log(level: LogLevel, message: string): void;
}

export interface TrainOptions {
  /** Continue from this checkpoint instead of starting afresh. */
  resumeFrom?: CheckpointContents;
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
  options: TrainOptions = {},
): Promise<TrainOutcome> {
  const setup = createTrainingSetup(config, data);
  try {
    return await runLoop(config, data, loss, hooks, setup, options);
  } finally {
    // Free the model on every exit, a failed step included.
    setup.dispose();
  }
}

async function runLoop(
  config: RunConfig,
  data: DatasetSplits,
  loss: LossFunction,
  hooks: TrainerHooks,
  setup: TrainingSetup,
  options: TrainOptions,
): Promise<TrainOutcome> {
  const { train, plan, pipelines, encoder, optimizer } = setup;
  const size = setup.viewSize;
  const batchSize = config.training.batchSize;
  const shape = [batchSize, train.height, train.width, train.channels] as const;
  const loop: LoopState = options.resumeFrom
    ? restoreCheckpoint(setup, options.resumeFrom)
    : freshLoop(config, train.count);
  hooks.log(
    'info',
    `${options.resumeFrom ? `Resuming at step ${loop.step} of` : 'Training'} ${plan.totalSteps} steps (${plan.totalEpochs} epochs of ${plan.stepsPerEpoch}) on ${train.count} images of ${data.name}; ` +
      `${config.model.backbone} + projector, ${setup.parameterCount.toLocaleString('en')} parameters, views ${size}x${size}`,
  );
  let lastLoss = loop.results.loss ?? NaN;
  let tensorBaseline = -1;
  let lastKnn: { step: number; top1: number } | undefined;
  const startedAt = performance.now();

  // The probe and kNN evaluations of one step share the held-out features, computed once.
  let heldOut: { step: number; features: tf.Tensor2D; labels: Uint8Array } | undefined;
  const heldOutAt = (step: number) => {
    if (heldOut?.step !== step) {
      heldOut?.features.dispose();
      heldOut = { step, ...heldOutFeatures(encoder.backbone, data, config.evaluation, size) };
    }
    return heldOut;
  };
  const releaseHeldOut = () => {
    heldOut?.features.dispose();
    heldOut = undefined;
  };
  const evaluate = (label: 'initial' | 'final' | 'epoch') => {
    const evaluationStart = performance.now();
    const accuracy = evaluateKnn(encoder.backbone, data, config.evaluation, size, heldOutAt(loop.step));
    hooks.onEvaluation?.({
      step: loop.step,
      epoch: Math.ceil(loop.step / plan.stepsPerEpoch),
      values: {
        'knn/top1': accuracy.top1,
        ...(accuracy.top5 === undefined ? {} : { 'knn/top5': accuracy.top5 }),
      },
      durationMs: performance.now() - evaluationStart,
    });
    lastKnn = { step: loop.step, top1: accuracy.top1 };
    const top5 = accuracy.top5 === undefined ? '' : `, top-5 ${(accuracy.top5 * 100).toFixed(1)}%`;
    hooks.log(
      'info',
      `kNN (k=${config.evaluation.knnK}) ${label}: top-1 ${(accuracy.top1 * 100).toFixed(1)}%${top5}`,
    );
    if (label !== 'epoch') {
      loop.results[`${label}KnnTop1`] = accuracy.top1;
      if (accuracy.top5 !== undefined) loop.results[`${label}KnnTop5`] = accuracy.top5;
    }
  };
  /** The online probe's accuracy over the epoch's batches and on the held-out split. */
  const evaluateProbe = async () => {
    if (!setup.probe || loop.probe.seen === 0) return;
    const evaluationStart = performance.now();
    const test = heldOutAt(loop.step);
    const validation = await setup.probe.accuracy(test.features, test.labels);
    const values = { 'probe/train_top1': loop.probe.correct / loop.probe.seen, 'probe/val_top1': validation };
    loop.probe = { correct: 0, seen: 0 };
    loop.results.finalProbeTop1 = validation;
    hooks.onEvaluation?.({
      step: loop.step,
      epoch: Math.ceil(loop.step / plan.stepsPerEpoch),
      values,
      durationMs: performance.now() - evaluationStart,
    });
  };
  const checkpoint = async (reason: CheckpointReport['reason']) => {
    if (!hooks.onCheckpoint) return;
    loop.results.loss = lastLoss;
    const contents = await captureCheckpoint(setup, loop, config);
    const epoch = Math.ceil(loop.step / plan.stepsPerEpoch);
    // Only an evaluation of this very step describes the checkpoint (keep-best retention).
    const knnTop1 = lastKnn?.step === loop.step ? lastKnn.top1 : undefined;
    await hooks.onCheckpoint({
      step: loop.step,
      epoch,
      contents,
      reason,
      ...(knnTop1 === undefined ? {} : { knnTop1 }),
    });
  };

  try {
    if (!options.resumeFrom) evaluate('initial');
    releaseHeldOut();
    while (loop.step < plan.totalSteps) {
      if (hooks.shouldStop()) {
        await checkpoint('stop');
        return outcomeOf('stopped');
      }
      const step = loop.step;
      const epoch = Math.floor(step / plan.stepsPerEpoch);
      const inEpoch = step % plan.stepsPerEpoch;
      if (inEpoch === 0 && step > 0) loop.order = loop.random.permutation(train.count);
      const stepStart = performance.now();
      const indices = loop.order.subarray(inEpoch * batchSize, (inEpoch + 1) * batchSize);
      const batch = gatherImages(train, indices);
      const views = makeViews(batch, shape, pipelines, loop.augmentRandom);
      const dataMs = performance.now() - stepStart;
      const permutation = drawPermutation(config.loss, config.model.projectorOutputDim, loop.random);
      const learningRate = plan.learningRate(step);
      let result;
      try {
        result = await trainStep({
          encoder,
          optimizer,
          loss,
          views,
          permutation,
          learningRate,
          ...(config.training.microBatchSize === undefined
            ? {}
            : { microBatchSize: config.training.microBatchSize }),
          ...(hooks.afterForward ? { afterForward: () => hooks.afterForward!() } : {}),
          probe: setup.probe
            ? { probe: setup.probe, labels: Int32Array.from(indices, (index) => train.labels[index]!) }
            : null,
        });
      } finally {
        tf.dispose(views);
      }
      lastLoss = result.loss;
      if (!Number.isFinite(lastLoss)) {
        throw new Error(
          `The loss became ${lastLoss} at step ${step + 1}; lower the learning rate or check the loss parameters`,
        );
      }
      loop.step += 1;
      const memory = tf.memory();
      if (loop.step === 2) tensorBaseline = memory.numTensors;
      else if (tensorBaseline >= 0 && memory.numTensors > tensorBaseline + LEAK_TOLERANCE) {
        throw new Error(
          `Tensor leak: ${memory.numTensors - tensorBaseline} tensors were not freed since step 2`,
        );
      }
      const stepMs = performance.now() - stepStart;
      hooks.onStep({
        step: loop.step,
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
      if (result.probeCorrect !== undefined) {
        loop.probe.correct += result.probeCorrect;
        loop.probe.seen += batchSize;
      }
      const finished = loop.step === plan.totalSteps;
      const epochEnded = loop.step % plan.stepsPerEpoch === 0;
      const epochsDone = loop.step / plan.stepsPerEpoch;
      const { everyEpochs } = config.evaluation;
      if (epochEnded || finished) await evaluateProbe();
      if (!finished && everyEpochs > 0 && epochEnded && epochsDone % everyEpochs === 0) evaluate('epoch');
      releaseHeldOut();
      if (!finished && isCheckpointStep(config, loop.step, plan.stepsPerEpoch)) await checkpoint('schedule');
      await yieldToEventLoop();
    }
    evaluate('final');
    await checkpoint('final');
    return outcomeOf('completed');
  } finally {
    releaseHeldOut();
  }

  function outcomeOf(outcome: TrainOutcome['outcome']): TrainOutcome {
    return {
      outcome,
      steps: loop.step,
      results: {
        ...loop.results,
        loss: lastLoss,
        steps: loop.step,
        durationMs: Math.round(performance.now() - startedAt),
      },
    };
  }
}

/** A new run's loop: generators from the seed, the first epoch's order. */
function freshLoop(config: RunConfig, trainCount: number): LoopState {
  const random = new Random(config.seed);
  const augmentRandom = random.fork();
  return {
    step: 0,
    order: random.permutation(trainCount),
    random,
    augmentRandom,
    results: {},
    probe: { correct: 0, seen: 0 },
  };
}

/** Whether the configured checkpoint interval (in steps, or in epochs) ends at `step`. */
function isCheckpointStep(config: RunConfig, step: number, stepsPerEpoch: number): boolean {
  const { everySteps, everyEpochs } = config.checkpoint;
  if (everySteps > 0 && step % everySteps === 0) return true;
  return everyEpochs > 0 && step % stepsPerEpoch === 0 && (step / stepsPerEpoch) % everyEpochs === 0;
}
