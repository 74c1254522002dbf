import type { RunConfig } from '@shared/config/run-config';
import type { DatasetSplits } from '../data/image-dataset';
import type { LossFunction } from '../losses/registry';
import { LoopEvaluations } from './loop-evaluations';
import { LeakGuard, runLoopStep } from './loop-step';
import { LossTiming } from './loss-timing';
import { isCheckpointStep } from './plan';
import type { CheckpointReport, TrainerHooks, TrainOptions, TrainOutcome } from './reports';
import { createTrainingSetup, type TrainingSetup } from './setup';
import { LoopSnapshots } from './snapshots';
import { captureCheckpoint, freshLoop, restoreCheckpoint, type LoopState } from './state';

export type {
  CheckpointReport,
  EvaluationReport,
  StepReport,
  TrainerHooks,
  TrainOptions,
  TrainOutcome,
} from './reports';

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
  const { plan } = setup;
  const loop: LoopState = options.resumeFrom
    ? restoreCheckpoint(setup, options.resumeFrom)
    : freshLoop(config, setup.train.count);
  hooks.log('info', describeStart(config, data, setup, loop, options.resumeFrom !== undefined));
  let lastLoss = loop.results.loss ?? NaN;
  const startedAt = performance.now();
  const evaluations = new LoopEvaluations(config, data, setup, loop, hooks);
  const leaks = new LeakGuard();
  const lossTiming = options.timeLoss === false ? undefined : new LossTiming(config, loss, loop, plan);
  const snapshots = new LoopSnapshots(config, setup, loop, hooks);

  const checkpoint = async (reason: CheckpointReport['reason']) => {
    if (!hooks.onCheckpoint) return;
    loop.results.loss = lastLoss;
    const contents = await captureCheckpoint(setup, loop, config);
    // Only an evaluation of this very step describes the checkpoint (keep-best retention).
    const knnTop1 = evaluations.knnTop1At(loop.step);
    await hooks.onCheckpoint({
      step: loop.step,
      epoch: Math.ceil(loop.step / plan.stepsPerEpoch),
      contents,
      reason,
      ...(knnTop1 === undefined ? {} : { knnTop1 }),
    });
  };
  const outcomeOf = (outcome: TrainOutcome['outcome']): TrainOutcome => ({
    outcome,
    steps: loop.step,
    results: {
      ...loop.results,
      loss: lastLoss,
      steps: loop.step,
      durationMs: Math.round(performance.now() - startedAt),
    },
  });

  try {
    if (!options.resumeFrom) await evaluations.knn('initial');
    if (!options.resumeFrom) await snapshots.initial();
    evaluations.release();
    while (loop.step < plan.totalSteps) {
      if (hooks.shouldStop()) {
        await checkpoint('stop');
        return outcomeOf('stopped');
      }
      lastLoss = await runLoopStep({ config, setup, loss, hooks }, loop, leaks);
      await lossTiming?.afterStep(hooks);
      const finished = loop.step === plan.totalSteps;
      await snapshots.afterStep(finished);
      const epochEnded = loop.step % plan.stepsPerEpoch === 0;
      const { everyEpochs } = config.evaluation;
      if (epochEnded || finished) await evaluations.probe();
      if (!finished && everyEpochs > 0 && epochEnded && (loop.step / plan.stepsPerEpoch) % everyEpochs === 0)
        await evaluations.knn('epoch');
      evaluations.release();
      if (!finished && isCheckpointStep(config, loop.step, plan.stepsPerEpoch)) await checkpoint('schedule');
      await yieldToEventLoop();
    }
    await evaluations.knn('final');
    if (snapshots.count > 0) hooks.log('info', snapshots.describeCost(performance.now() - startedAt));
    await checkpoint('final');
    return outcomeOf('completed');
  } finally {
    evaluations.release();
  }
}

/** The log line a run starts (or resumes) with: its steps, data and model. */
function describeStart(
  config: RunConfig,
  data: DatasetSplits,
  setup: TrainingSetup,
  loop: LoopState,
  resuming: boolean,
): string {
  const { plan, train, viewSize: size } = setup;
  return (
    `${resuming ? `Resuming at step ${loop.step} of` : 'Training'} ${plan.totalSteps} steps (${plan.totalEpochs} epochs of ${plan.stepsPerEpoch}) on ${train.count} images of ${data.name}; ` +
    `${config.model.backbone} + projector, ${setup.parameterCount.toLocaleString('en')} parameters, views ${size}x${size}`
  );
}
