import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import type { CheckpointContents } from '../../../../src-main/ml/checkpoint/format';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { LOSS_TIMING_AFTER_STEPS } from '../../../../src-main/ml/train/loss-timing';
import { trainSelfSupervised, type TrainOptions } from '../../../../src-main/ml/train/trainer';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

interface Segment {
  losses: number[];
  /** The steps at which `time/loss_ms` was written, with its value. */
  lossTimes: { step: number; value: number }[];
  checkpoint: CheckpointContents | undefined;
  results: Record<string, number>;
}

/** One training segment, its step losses and loss timings, and its checkpoint if stopped. */
async function train(config: RunConfig, options: TrainOptions, stopAfter?: number): Promise<Segment> {
  const segment: Segment = { losses: [], lossTimes: [], checkpoint: undefined, results: {} };
  let steps = 0;
  const outcome = await trainSelfSupervised(
    config,
    loadEmbeddedDataset(RESOURCES_DIR),
    createLoss(config.loss),
    {
      onStep: (report) => {
        segment.losses.push(report.loss);
        steps += 1;
      },
      onEvaluation: (report) => {
        const value = report.values[METRIC.lossMs];
        if (value !== undefined) segment.lossTimes.push({ step: report.step, value });
      },
      onCheckpoint: (report) => {
        segment.checkpoint = report.contents;
      },
      shouldStop: () => stopAfter !== undefined && steps >= stopAfter,
      log: () => {},
    },
    options,
  );
  segment.results = outcome.results;
  return segment;
}

describe("a run's loss timing", () => {
  // fft-bt draws a feature permutation every step: timing from the run's generator would shift them.
  const config = runConfigSchema.parse(
    tinyConfig({
      name: 'loss timing',
      dataset: { source: 'embedded', trainLimit: 512 },
      loss: { name: 'fft-bt', permutation: 'batch' },
      training: { epochs: 2, batchSize: 64, maxSteps: 8 },
      evaluation: { bankLimit: 64, testLimit: 32 },
    }),
  );

  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('is written once, a few steps in, and leaves every step loss as it was', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const timed = await train(config, {});
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const untimed = await train(config, { timeLoss: false });
    expect(untimed.lossTimes).toEqual([]);
    expect(timed.losses).toHaveLength(8);
    // Bit-identical: the timing draws from generators of its own.
    expect(timed.losses).toEqual(untimed.losses);
    expect(timed.lossTimes).toEqual([{ step: LOSS_TIMING_AFTER_STEPS, value: expect.any(Number) }]);
    expect(timed.lossTimes[0]!.value).toBeGreaterThan(0);
    expect(timed.results.lossMs).toBe(timed.lossTimes[0]!.value);
  });

  it('is not taken again when a resumed run has it, and is taken when it does not', async () => {
    const late = await train(config, {}, 5); // stopped after the timing
    expect(late.lossTimes.map((time) => time.step)).toEqual([3]);
    const lateRest = await train(config, { resumeFrom: late.checkpoint! });
    expect(lateRest.losses).toHaveLength(3);
    expect(lateRest.lossTimes).toEqual([]);
    expect(lateRest.results.lossMs).toBe(late.lossTimes[0]!.value);

    const early = await train(config, {}, 2); // stopped before it
    expect(early.lossTimes).toEqual([]);
    const earlyRest = await train(config, { resumeFrom: early.checkpoint! });
    // A few steps into the resumed segment, once.
    expect(earlyRest.lossTimes.map((time) => time.step)).toEqual([2 + LOSS_TIMING_AFTER_STEPS]);
  });

  it('is taken at the last step of a run shorter than the warm-up', async () => {
    const short = await train({ ...config, training: { ...config.training, maxSteps: 2 } }, {});
    expect(short.lossTimes.map((time) => time.step)).toEqual([2]);
  });
});
