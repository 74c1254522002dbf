import type { RunClock } from '@shared/compare';
import type { RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import type { RunProgress } from '@shared/runs';
import type { MetricBucketsRepository } from '../../storage/metric-buckets.repo';
import { trainingClock } from './series-range';

/**
 * Steps per epoch as the trainer plans them (ml/train/plan.ts: full batches of the training split).
 * The split's size is not in the configuration (it depends on the dataset's files), so it is read
 * from what the run recorded: the first step of epoch 2 (training points carry their 1-based epoch,
 * so that step is stepsPerEpoch + 1); else the planned total steps over the configured epochs when
 * `maxSteps` did not cut the plan short; else the planned total (a run shorter than one epoch).
 */
export function stepsPerEpochOf(
  config: RunConfig,
  progress: RunProgress | null,
  firstStepOfEpoch2: number | null,
): number {
  if (firstStepOfEpoch2 !== null && firstStepOfEpoch2 > 1) return firstStepOfEpoch2 - 1;
  const { epochs, maxSteps } = config.training;
  if (progress && progress.totalSteps > 0) {
    const capped = maxSteps !== undefined && progress.totalSteps >= maxSteps;
    if (!capped && progress.totalSteps % epochs === 0) return progress.totalSteps / epochs;
    if (progress.totalEpochs <= 1) return progress.totalSteps;
  }
  return Math.max(1, progress?.step ?? 1);
}

/** How the run's steps map to epochs, samples seen and training time (the other x-axes). */
export function runClock(
  repo: MetricBucketsRepository,
  runId: number,
  config: RunConfig,
  progress: RunProgress | null,
  points: number,
  canWrite: boolean,
): RunClock {
  const stepsPerEpoch = stepsPerEpochOf(config, progress, repo.firstStepFromEpoch(runId, METRIC.loss, 2));
  // The loss is logged every step: its wall times are the steps' times.
  const clock = trainingClock(repo, runId, METRIC.loss, points, canWrite);
  return { runId, stepsPerEpoch, batchSize: config.training.batchSize, ...clock };
}
