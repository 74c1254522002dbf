import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { makeViews } from '../augment/views';
import { gatherImages } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
import { Random } from '../random';
import { stepMemory } from './memory';
import type { StepReport, TrainerHooks } from './reports';
import type { TrainingSetup } from './setup';
import type { LoopState } from './state';
import { trainStep } from './step';

/** Tensors a step may leave behind before the run is stopped as leaking (memory would run out). */
const LEAK_TOLERANCE = 16;

/** What every step of one run shares. */
export interface LoopStepContext {
  config: RunConfig;
  setup: TrainingSetup;
  loss: LossFunction;
  hooks: TrainerHooks;
}

/**
 * Fails a run whose live tensors grow from step to step: the count after step 2 (when every
 * lazily created tensor exists) is the baseline.
 */
export class LeakGuard {
  private baseline = -1;

  check(step: number, tensors: number): void {
    if (step === 2) this.baseline = tensors;
    else if (this.baseline >= 0 && tensors > this.baseline + LEAK_TOLERANCE) {
      throw new Error(`Tensor leak: ${tensors - this.baseline} tensors were not freed since step 2`);
    }
  }
}

/**
 * What step `loop.step` draws from the run's generator `loop.random` before it trains: a new
 * sample order at each epoch's start (but the first), then the loss's feature permutation.
 * On a clone of the loop (`peekStepPermutation`) it tells the next step's permutation without
 * touching the run's generator.
 */
export function drawStepPermutation(
  config: RunConfig,
  loop: Pick<LoopState, 'step' | 'order' | 'random'>,
  stepsPerEpoch: number,
  trainCount: number,
): Int32Array | null {
  if (loop.step % stepsPerEpoch === 0 && loop.step > 0) loop.order = loop.random.permutation(trainCount);
  return drawPermutation(config.loss, config.model.projectorOutputDim, loop.random);
}

/** The permutation step `loop.step + 1` will use, from a copy of the run's generator. */
export function peekStepPermutation(
  config: RunConfig,
  loop: Pick<LoopState, 'step' | 'order' | 'random'>,
  stepsPerEpoch: number,
  trainCount: number,
): Int32Array | null {
  const copy = { step: loop.step, order: loop.order, random: new Random(loop.random.state) };
  return drawStepPermutation(config, copy, stepsPerEpoch, trainCount);
}

/**
 * One training step of the loop: the epoch's next batch (a new order at each epoch's start),
 * its two views, a fresh feature permutation, the update; then the checks (a finite loss, no
 * leak), the report to `hooks.onStep` and the probe's tally. Advances `loop.step`.
 * Returns the step's loss.
 */
export async function runLoopStep(
  { config, setup, loss, hooks }: LoopStepContext,
  loop: LoopState,
  leaks: LeakGuard,
): Promise<number> {
  const { train, plan, pipelines, encoder, optimizer } = setup;
  const batchSize = config.training.batchSize;
  const step = loop.step;
  const epoch = Math.floor(step / plan.stepsPerEpoch);
  const inEpoch = step % plan.stepsPerEpoch;
  const stepStart = performance.now();
  // Before the views: they draw from loop.augmentRandom, so the order of the two does not matter.
  const permutation = drawStepPermutation(config, loop, plan.stepsPerEpoch, train.count);
  loop.lastPermutation = permutation;
  const indices = loop.order.subarray(inEpoch * batchSize, (inEpoch + 1) * batchSize);
  const batch = gatherImages(train, indices);
  const shape = [batchSize, train.height, train.width, train.channels] as const;
  const views = makeViews(batch, shape, pipelines, loop.augmentRandom);
  const dataMs = performance.now() - stepStart;
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
  if (!Number.isFinite(result.loss)) {
    throw new Error(
      `The loss became ${result.loss} at step ${step + 1}; lower the learning rate or check the loss parameters`,
    );
  }
  loop.step += 1;
  const memory = stepMemory();
  leaks.check(loop.step, memory.tensors);
  const stepMs = performance.now() - stepStart;
  const report: StepReport = {
    step: loop.step,
    epoch: epoch + 1,
    totalSteps: plan.totalSteps,
    totalEpochs: plan.totalEpochs,
    loss: result.loss,
    terms: result.terms,
    learningRate,
    samplesPerSecond: batchSize / (stepMs / 1000),
    timings: { dataMs, forwardMs: result.forwardMs, backwardMs: result.backwardMs, stepMs },
    memory,
  };
  hooks.onStep(report);
  if (result.probeCorrect !== undefined) {
    loop.probe.correct += result.probeCorrect;
    loop.probe.seen += batchSize;
  }
  return result.loss;
}
