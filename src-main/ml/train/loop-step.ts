import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { makeViews } from '../augment/views';
import { gatherImages } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
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
  if (inEpoch === 0 && step > 0) loop.order = loop.random.permutation(train.count);
  const stepStart = performance.now();
  const indices = loop.order.subarray(inEpoch * batchSize, (inEpoch + 1) * batchSize);
  const batch = gatherImages(train, indices);
  const shape = [batchSize, train.height, train.width, train.channels] as const;
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
  if (!Number.isFinite(result.loss)) {
    throw new Error(
      `The loss became ${result.loss} at step ${step + 1}; lower the learning rate or check the loss parameters`,
    );
  }
  loop.step += 1;
  const memory = tf.memory();
  leaks.check(loop.step, memory.numTensors);
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
    memory: { tensors: memory.numTensors, tfjsBytes: memory.numBytes, rssBytes: process.memoryUsage.rss() },
  };
  hooks.onStep(report);
  if (result.probeCorrect !== undefined) {
    loop.probe.correct += result.probeCorrect;
    loop.probe.seen += batchSize;
  }
  return result.loss;
}
