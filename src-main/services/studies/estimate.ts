/**
 * How long a study will take, from the user's own history: the median step time (`time/step_ms`)
 * of completed runs of the same shape times each run's planned steps, plus what those runs spent
 * outside their steps (data loading, the kNN evaluations). Same shape first (backbone, projector
 * d, batch size, dataset source, loss), then the same backbone and d with any loss (scaled by the
 * batch size when it differs); then a quick measurement: the whole-step points of a cost study
 * (src-shared/study/measure-plan.ts) of the same backbone, d, batch and loss; otherwise no
 * estimate, with what is missing.
 */
import type { RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import type { RunSummary } from '@shared/runs';
import type { CostPoint, CostStudySummary } from '@shared/cost/types';
import { runBlockSize } from '@shared/study/measure-plan';
import type { StudyEstimate } from '@shared/study/types';
import type { RunStore } from '../../storage/store';

/** Training images of the sources whose size the configuration implies (the rest are read from history). */
const KNOWN_TRAIN_COUNTS: Partial<Record<RunConfig['dataset']['source'], number>> = {
  embedded: 10_000,
  cifar10: 50_000,
  cifar100: 50_000,
};

/** At most this many earlier runs per shape (the newest) are read. */
const RUNS_PER_SHAPE = 5;

interface HistoryRun {
  id: number;
  config: RunConfig;
  summary: RunSummary;
}

interface Reference {
  /** Median step time (ms) and time outside steps (ms) of the earlier runs. */
  stepMs: number;
  overheadMs: number;
  runIds: number[];
  /** What matched, e.g. "small-cnn, d 512, batch 64, bt". */
  shape: string;
  /** The batch size the step time was scaled to (linearly), when the earlier runs used another. */
  scaledTo?: number;
}

/** A whole-step time measured by a cost study. */
interface Measurement {
  stepMs: number;
  costStudyId: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const sameDataset = (a: RunConfig, b: RunConfig) => JSON.stringify(a.dataset) === JSON.stringify(b.dataset);

function durationMs(run: RunSummary): number | null {
  if (run.progress?.trainingMs) return run.progress.trainingMs;
  return run.startedAt !== null && run.endedAt !== null ? run.endedAt - run.startedAt : null;
}

/** Estimates from the store's completed runs, caching what it read per run. */
export class StudyEstimator {
  private readonly history: HistoryRun[];
  private readonly stepMsOf = new Map<number, number | null>();
  private measuredStudies: CostStudySummary[] | undefined;
  /** Each measured cost study's points, read once however many runs the grid has. */
  private readonly pointsOf = new Map<number, CostPoint[]>();

  constructor(private readonly store: RunStore) {
    this.history = store.studies.completedRuns();
  }

  /** The newest completed cost study's whole-step time of exactly this step, if one measured it. */
  private measurement(config: RunConfig): Measurement | undefined {
    this.measuredStudies ??= this.store.cost
      .list()
      .filter((study) => study.status === 'completed' && study.settings.step !== null);
    const block = runBlockSize(config);
    const d = config.model.projectorOutputDim;
    for (const study of this.measuredStudies) {
      if (study.settings.step?.backbone !== config.model.backbone) continue;
      if (!this.pointsOf.has(study.id)) this.pointsOf.set(study.id, this.store.cost.points(study.id));
      const point = this.pointsOf
        .get(study.id)!
        .find(
          (candidate) =>
            candidate.kind === 'step' &&
            candidate.status === 'ok' &&
            candidate.medianMs !== null &&
            candidate.loss === config.loss.name &&
            candidate.d === d &&
            candidate.n === config.training.batchSize &&
            candidate.blockSize === (block === null ? null : block === 'd' ? d : Math.min(block, d)),
        );
      if (point) return { stepMs: point.medianMs!, costStudyId: study.id };
    }
    return undefined;
  }

  private medianStepMs(runId: number): number | null {
    if (!this.stepMsOf.has(runId)) {
      const values = this.store.metrics
        .series(runId, METRIC.stepMs)
        .values.filter((value): value is number => value !== null && value > 0);
      this.stepMsOf.set(runId, values.length > 0 ? median(values) : null);
    }
    return this.stepMsOf.get(runId)!;
  }

  private reference(config: RunConfig, exact: boolean): Reference | undefined {
    const { backbone, projectorOutputDim: d } = config.model;
    const batch = config.training.batchSize;
    const matches = this.history.filter(
      (run) =>
        run.config.model.backbone === backbone &&
        run.config.model.projectorOutputDim === d &&
        (!exact ||
          (run.config.training.batchSize === batch &&
            run.config.dataset.source === config.dataset.source &&
            run.config.loss.name === config.loss.name)),
    );
    // Without the exact shape, runs of the same batch size first.
    if (!exact)
      matches.sort(
        (a, b) =>
          Number(b.config.training.batchSize === batch) - Number(a.config.training.batchSize === batch),
      );
    const measured = matches
      .map((run) => ({ run, stepMs: this.medianStepMs(run.id) }))
      .filter((entry): entry is { run: HistoryRun; stepMs: number } => entry.stepMs !== null)
      .slice(0, RUNS_PER_SHAPE);
    if (measured.length === 0) return undefined;
    const referenceBatch = measured[0]!.run.config.training.batchSize;
    const usable = measured.filter((entry) => entry.run.config.training.batchSize === referenceBatch);
    const overheads = usable.flatMap(({ run, stepMs }) => {
      const total = durationMs(run.summary);
      const steps = run.summary.progress?.totalSteps ?? 0;
      return total !== null && steps > 0 ? [Math.max(0, total - stepMs * steps)] : [];
    });
    const scale = referenceBatch === batch ? 1 : batch / referenceBatch;
    const losses = [...new Set(usable.map((entry) => entry.run.config.loss.name))].join('/');
    return {
      stepMs: median(usable.map((entry) => entry.stepMs)) * scale,
      overheadMs: overheads.length > 0 ? median(overheads) : 0,
      runIds: usable.map((entry) => entry.run.id),
      shape: `${backbone}, d ${d}, batch ${referenceBatch}, ${losses}`,
      ...(scale !== 1 ? { scaledTo: batch } : {}),
    };
  }

  /**
   * Steps per epoch (full batches of the training split, ml/train/plan.ts): from the data's known
   * size, else from an earlier run on the same data whose plan `maxSteps` did not cut short.
   */
  private stepsPerEpoch(config: RunConfig): number | undefined {
    const batch = config.training.batchSize;
    const known = KNOWN_TRAIN_COUNTS[config.dataset.source];
    if (known !== undefined) {
      return Math.max(1, Math.floor(Math.min(known, config.dataset.trainLimit ?? known) / batch));
    }
    for (const run of this.history) {
      const planned = run.summary.progress?.totalSteps ?? 0;
      const { epochs, maxSteps } = run.config.training;
      if (
        !sameDataset(run.config, config) ||
        planned === 0 ||
        (maxSteps !== undefined && planned >= maxSteps)
      )
        continue;
      const images = (planned / epochs) * run.config.training.batchSize;
      return Math.max(1, Math.floor(images / batch));
    }
    return undefined;
  }

  /** One run's expected time, or why there is none. */
  run(
    config: RunConfig,
  ): { ms: number; detail: string; source: 'history' | 'measured' } | { missing: string } {
    const perEpoch = this.stepsPerEpoch(config);
    if (perEpoch === undefined) {
      return { missing: `the size of the ${config.dataset.source} data (no earlier run on it)` };
    }
    const steps = Math.min(perEpoch * config.training.epochs, config.training.maxSteps ?? Infinity);
    const reference = this.reference(config, true) ?? this.reference(config, false);
    if (!reference) {
      const { backbone, projectorOutputDim: d } = config.model;
      const measured = this.measurement(config);
      if (measured) {
        return {
          ms: measured.stepMs * steps,
          source: 'measured',
          detail: `step time ${measured.stepMs.toFixed(0)} ms measured by cost study ${measured.costStudyId} (${backbone}, d ${d}, batch ${config.training.batchSize}, ${config.loss.name}) x ${steps} steps, kNN evaluations not included`,
        };
      }
      return { missing: `a completed run of ${backbone} with d ${d} (its step times)` };
    }
    const runs = reference.runIds.map((id) => `run ${id}`).join(', ');
    const scaled = reference.scaledTo ? `, scaled to batch ${reference.scaledTo}` : '';
    return {
      ms: reference.stepMs * steps + reference.overheadMs,
      source: 'history',
      detail: `step time ${reference.stepMs.toFixed(0)} ms from ${runs} (${reference.shape}${scaled}) x ${steps} steps`,
    };
  }
}

/**
 * The study's estimate: each valid run's time (runs without an estimate count at the mean of the
 * others, and the detail says how many), their sum, and the wall time over `concurrency` workers.
 */
export function estimateStudy(
  store: RunStore,
  configs: readonly RunConfig[],
  concurrency: number,
): StudyEstimate {
  const none = (detail: string): StudyEstimate => ({
    perRunMs: null,
    totalMs: null,
    wallMs: null,
    source: 'none',
    detail,
  });
  if (configs.length === 0) return none('No valid run to estimate');
  const estimator = new StudyEstimator(store);
  const results = configs.map((config) => estimator.run(config));
  const known = results.flatMap((result) => ('ms' in result ? [result] : []));
  if (known.length === 0) {
    const missing = [...new Set(results.map((result) => ('missing' in result ? result.missing : '')))];
    return none(`No estimate: missing ${missing.join('; ')}`);
  }
  const perRunMs = known.reduce((sum, result) => sum + result.ms, 0) / known.length;
  const totalMs = perRunMs * configs.length;
  const details = [...new Set(known.map((result) => result.detail))];
  const shown =
    details.slice(0, 3).join('; ') + (details.length > 3 ? `; and ${details.length - 3} more` : '');
  const partial =
    known.length < configs.length
      ? ` (${configs.length - known.length} of ${configs.length} runs at the mean: nothing to estimate them from)`
      : '';
  return {
    perRunMs: Math.round(perRunMs),
    totalMs: Math.round(totalMs),
    wallMs: Math.round(totalMs / Math.max(1, Math.min(concurrency, configs.length))),
    // Earlier runs are the better guide (they include evaluations): `measured` only without any.
    source: known.some((result) => result.source === 'history') ? 'history' : 'measured',
    detail: `${shown}${partial}`,
  };
}
