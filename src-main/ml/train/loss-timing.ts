import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import { drawPermutation, type LossFunction } from '../losses/registry';
import { Random } from '../random';
import type { TrainingPlan } from './plan';
import type { TrainerHooks } from './reports';
import type { LoopState } from './state';

/** The key of the loss's time in the loop's results (and so in checkpoints and the run's results). */
export const LOSS_MS_RESULT = 'lossMs';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median time of the loss's forward + backward on random [batch, d] embeddings (the run's
 * batch size and projector output), after `warmup` untimed calls (the first builds plans and
 * caches and may grow the heap). The embeddings come from tfjs's seeded generators and the
 * permutations from a generator of its own, so timing a run's loss never draws from the run's
 * generators: its steps stay the same with or without the timing.
 */
export async function timeLoss(
  loss: LossFunction,
  config: RunConfig,
  repeats: number,
  warmup: number,
): Promise<number> {
  const { batchSize } = config.training;
  const d = config.model.projectorOutputDim;
  const z1 = tf.randomNormal([batchSize, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const z2 = tf.randomNormal([batchSize, d], 0, 1, 'float32', 2) as tf.Tensor2D;
  const random = new Random(config.seed);
  const gradient = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const output = loss(a as tf.Tensor2D, b as tf.Tensor2D, {
      permutation: drawPermutation(config.loss, d, random),
    });
    tf.dispose(Object.values(output.terms));
    return output.loss;
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + repeats; i++) {
      const start = performance.now();
      const grads = gradient([z1, z2]);
      await Promise.all(grads.map((grad) => grad.data()));
      tf.dispose(grads);
      if (i >= warmup) times.push(performance.now() - start);
    }
  } finally {
    tf.dispose([z1, z2]);
  }
  return median(times);
}

/** Steps a run trains before its loss is timed: the kernels are compiled and the heap is warm. */
export const LOSS_TIMING_AFTER_STEPS = 3;
/** Timed calls (their median is stored) and untimed ones before them: a few, so it costs little. */
const REPEATS = 5;
const WARMUP = 2;

/**
 * Times a run's loss once, `LOSS_TIMING_AFTER_STEPS` steps into the segment (or at its last
 * step, for shorter runs), and reports it as the evaluation `time/loss_ms` of that step. The time
 * is kept in the loop's results (and so in checkpoints): a resumed run that has it is not timed
 * again, one stopped before it is timed a few steps into the resumed segment.
 */
export class LossTiming {
  private readonly atStep: number;

  constructor(
    private readonly config: RunConfig,
    private readonly loss: LossFunction,
    private readonly loop: LoopState,
    private readonly plan: TrainingPlan,
  ) {
    this.atStep = Math.min(loop.step + LOSS_TIMING_AFTER_STEPS, plan.totalSteps);
  }

  async afterStep(hooks: TrainerHooks): Promise<void> {
    const { loop } = this;
    if (loop.results[LOSS_MS_RESULT] !== undefined || loop.step < this.atStep) return;
    const start = performance.now();
    const lossMs = await timeLoss(this.loss, this.config, REPEATS, WARMUP);
    loop.results[LOSS_MS_RESULT] = lossMs;
    hooks.onEvaluation?.({
      step: loop.step,
      epoch: Math.ceil(loop.step / this.plan.stepsPerEpoch),
      values: { [METRIC.lossMs]: lossMs },
      durationMs: performance.now() - start,
    });
    hooks.log('debug', `The loss alone (forward + backward) takes ${lossMs.toFixed(2)} ms`);
  }
}
