/**
 * The configurations `bench train` and `bench gpu` time: a preset's with a variant's changes
 * (the timing itself is in compute/measure/train-point.ts, shared with the cost-study worker).
 */
import type { LossConfig, RunConfig } from '@shared/config/run-config';
import { parseRunConfig } from '../../services/runs.service';

/** What a benchmark changes in a preset's configuration; what is left out stays the preset's. */
export interface TrainingVariant {
  /** The loss (a name alone takes that loss's defaults: one block, b = d, for the FFT losses). */
  loss?: { name: LossConfig['name'] } & Record<string, unknown>;
  /** The projector's output and hidden width. */
  d?: number;
  batchSize?: number;
  microBatchSize?: number;
  optimizer?: string;
  momentum?: number;
}

/** The preset's configuration with the variant's changes, validated as a run's would be. */
export function trainingConfig(base: RunConfig, variant: TrainingVariant): RunConfig {
  return parseRunConfig({
    ...base,
    loss: variant.loss ?? base.loss,
    model: {
      ...base.model,
      ...(variant.d === undefined ? {} : { projectorHiddenDim: variant.d, projectorOutputDim: variant.d }),
    },
    optimizer: {
      ...base.optimizer,
      ...(variant.optimizer ? { name: variant.optimizer } : {}),
      ...(variant.momentum !== undefined ? { momentum: variant.momentum } : {}),
    },
    training: {
      ...base.training,
      ...(variant.batchSize ? { batchSize: variant.batchSize } : {}),
      ...(variant.microBatchSize ? { microBatchSize: variant.microBatchSize } : {}),
    },
  });
}
