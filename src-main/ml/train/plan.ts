import type { RunConfig } from '@shared/config/run-config';
import { scaleLearningRateByBatch, warmupCosineLearningRate, warmupStepsFromEpochs } from '../optim/schedule';

/** How a run divides into steps and what learning rate each step gets. */
export interface TrainingPlan {
  stepsPerEpoch: number;
  totalSteps: number;
  totalEpochs: number;
  /** Learning rate of 0-based step `step`. */
  learningRate(step: number): number;
}

/** Full batches per epoch (the last partial batch is dropped), capped by maxSteps. */
export function planTraining(config: RunConfig, trainCount: number): TrainingPlan {
  const { batchSize, epochs, maxSteps } = config.training;
  const stepsPerEpoch = Math.floor(trainCount / batchSize);
  if (stepsPerEpoch < 1) {
    throw new Error(`The training split has ${trainCount} images, fewer than one batch of ${batchSize}`);
  }
  const scheduledSteps = stepsPerEpoch * epochs;
  const totalSteps = Math.min(scheduledSteps, maxSteps ?? Infinity);
  const { learningRate, scaleByBatch } = config.optimizer;
  const baseLearningRate = scaleByBatch ? scaleLearningRateByBatch(learningRate, batchSize) : learningRate;
  // The schedule spans the configured epochs even when maxSteps cuts the run short, so a short
  // trial run sees the same rates as the first steps of the full run.
  const schedule = {
    baseLearningRate,
    totalSteps: scheduledSteps,
    warmupSteps: Math.min(warmupStepsFromEpochs(config.schedule.warmupEpochs, stepsPerEpoch), scheduledSteps),
    warmupStartLearningRate: config.schedule.warmupStartLearningRate,
    minLearningRate: config.schedule.minLearningRate,
  };
  return {
    stepsPerEpoch,
    totalSteps,
    totalEpochs: Math.ceil(totalSteps / stepsPerEpoch),
    learningRate: (step) => warmupCosineLearningRate(step, schedule),
  };
}

/** Whether the configured checkpoint interval (in steps, or in epochs) ends at `step`. */
export function isCheckpointStep(config: RunConfig, step: number, stepsPerEpoch: number): boolean {
  const { everySteps, everyEpochs } = config.checkpoint;
  if (everySteps > 0 && step % everySteps === 0) return true;
  return everyEpochs > 0 && step % stepsPerEpoch === 0 && (step / stepsPerEpoch) % everyEpochs === 0;
}
