import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import type { DatasetSplits } from '../data/image-dataset';
import { evaluateKnn, heldOutFeatures } from './evaluate';
import type { TrainerHooks } from './reports';
import type { TrainingSetup } from './setup';
import type { LoopState } from './state';

type HeldOut = { step: number; features: tf.Tensor2D; labels: Uint8Array };

/**
 * The evaluations inside the training loop: kNN accuracy (at initialisation, at chosen epoch
 * ends, at the end) and the online probe's accuracy (every epoch end). Both read the held-out
 * features of the same step, computed once; `release` frees them before training goes on.
 */
export class LoopEvaluations {
  private heldOut: HeldOut | undefined;
  private lastKnn: { step: number; top1: number } | undefined;

  constructor(
    private readonly config: RunConfig,
    private readonly data: DatasetSplits,
    private readonly setup: TrainingSetup,
    private readonly loop: LoopState,
    private readonly hooks: TrainerHooks,
  ) {}

  /** kNN accuracy now; `initial` and `final` also go into the run's results. */
  async knn(label: 'initial' | 'final' | 'epoch'): Promise<void> {
    const { config, loop, hooks } = this;
    const evaluationStart = performance.now();
    const accuracy = await evaluateKnn(
      this.setup.encoder.backbone,
      this.data,
      config.evaluation,
      this.setup.viewSize,
      this.heldOutAt(loop.step),
    );
    hooks.onEvaluation?.({
      step: loop.step,
      epoch: this.epoch(),
      values: {
        [METRIC.knnTop1]: accuracy.top1,
        ...(accuracy.top5 === undefined ? {} : { [METRIC.knnTop5]: accuracy.top5 }),
      },
      durationMs: performance.now() - evaluationStart,
    });
    this.lastKnn = { step: loop.step, top1: accuracy.top1 };
    const top5 = accuracy.top5 === undefined ? '' : `, top-5 ${(accuracy.top5 * 100).toFixed(1)}%`;
    hooks.log(
      'info',
      `kNN (k=${config.evaluation.knnK}) ${label}: top-1 ${(accuracy.top1 * 100).toFixed(1)}%${top5}`,
    );
    if (label !== 'epoch') {
      loop.results[`${label}KnnTop1`] = accuracy.top1;
      if (accuracy.top5 !== undefined) loop.results[`${label}KnnTop5`] = accuracy.top5;
    }
  }

  /** The online probe's accuracy over the epoch's batches and on the held-out split. */
  async probe(): Promise<void> {
    const { loop, setup } = this;
    if (!setup.probe || loop.probe.seen === 0) return;
    const evaluationStart = performance.now();
    const test = this.heldOutAt(loop.step);
    const validation = await setup.probe.accuracy(test.features, test.labels);
    const values = {
      [METRIC.probeTrainTop1]: loop.probe.correct / loop.probe.seen,
      [METRIC.probeValTop1]: validation,
    };
    loop.probe = { correct: 0, seen: 0 };
    loop.results.finalProbeTop1 = validation;
    this.hooks.onEvaluation?.({
      step: loop.step,
      epoch: this.epoch(),
      values,
      durationMs: performance.now() - evaluationStart,
    });
  }

  /** The kNN top-1 accuracy measured at exactly this step, if any (it describes its checkpoint). */
  knnTop1At(step: number): number | undefined {
    return this.lastKnn?.step === step ? this.lastKnn.top1 : undefined;
  }

  /** Frees the held-out features. */
  release(): void {
    this.heldOut?.features.dispose();
    this.heldOut = undefined;
  }

  private heldOutAt(step: number): HeldOut {
    if (this.heldOut?.step !== step) {
      this.release();
      const { encoder, viewSize } = this.setup;
      this.heldOut = {
        step,
        ...heldOutFeatures(encoder.backbone, this.data, this.config.evaluation, viewSize),
      };
    }
    return this.heldOut;
  }

  private epoch(): number {
    return Math.ceil(this.loop.step / this.setup.plan.stepsPerEpoch);
  }
}
