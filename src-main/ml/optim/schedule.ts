/** Linear warm-up then cosine decay, in optimizer steps (solo-learn steps its scheduler every step). */
export interface WarmupCosineSchedule {
  /** Rate reached at the end of the warm-up (already scaled by batch size where wanted). */
  baseLearningRate: number;
  /** Steps of the whole run; the cosine reaches `minLearningRate` at this step. */
  totalSteps: number;
  /** Steps of linear warm-up (0 for none). */
  warmupSteps: number;
  /** Rate at step 0 of the warm-up. Default 3e-5 (solo-learn). */
  warmupStartLearningRate?: number;
  /** Final rate of the cosine. Default 0. */
  minLearningRate?: number;
}

/**
 * The learning rate for 0-based `step`, in the closed form of solo-learn's
 * `LinearWarmupCosineAnnealingLR` (from Lightning Bolts), with W warm-up and T total steps:
 *
 *   step < W:  start + step * (base - start) / (W - 1)          (base is reached at step W - 1)
 *   step >= W: min + (base - min) * (1 + cos(pi * (step - W) / (T - W))) / 2
 *
 * Steps past T stay at `minLearningRate`. (With W = 1 the single warm-up step uses `start`.)
 */
export function warmupCosineLearningRate(step: number, schedule: WarmupCosineSchedule): number {
  const { baseLearningRate, totalSteps, warmupSteps } = schedule;
  const start = schedule.warmupStartLearningRate ?? 3e-5;
  const minimum = schedule.minLearningRate ?? 0;
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`warmupCosineLearningRate: step must be an integer >= 0, got ${step}`);
  if (
    !Number.isInteger(warmupSteps) ||
    warmupSteps < 0 ||
    !Number.isInteger(totalSteps) ||
    totalSteps < warmupSteps
  ) {
    throw new Error(
      `warmupCosineLearningRate: need integers 0 <= warmupSteps <= totalSteps, got ${warmupSteps} and ${totalSteps}`,
    );
  }
  if (step < warmupSteps) return start + (step * (baseLearningRate - start)) / Math.max(warmupSteps - 1, 1);
  const decaySteps = totalSteps - warmupSteps;
  if (decaySteps === 0 || step >= totalSteps) return minimum;
  return (
    minimum +
    ((baseLearningRate - minimum) * (1 + Math.cos((Math.PI * (step - warmupSteps)) / decaySteps))) / 2
  );
}

/** solo-learn's linear scaling rule: lr * batchSize / 256 (spec section 9). */
export function scaleLearningRateByBatch(
  learningRate: number,
  batchSize: number,
  referenceBatchSize = 256,
): number {
  if (!(batchSize > 0) || !(referenceBatchSize > 0)) {
    throw new Error('scaleLearningRateByBatch: batch sizes must be positive');
  }
  return (learningRate * batchSize) / referenceBatchSize;
}

/** Warm-up length in steps for a warm-up given in (possibly fractional) epochs. */
export function warmupStepsFromEpochs(warmupEpochs: number, stepsPerEpoch: number): number {
  return Math.round(warmupEpochs * stepsPerEpoch);
}
