import type { CompareRow } from '@shared/compare';
import { METRIC } from '@shared/metrics';
import { trainingTimeMs } from '@shared/run-progress';
import type { EvaluationSummary, RunSummary } from '@shared/runs';
import type { RunStore } from '../../storage/store';
import { seriesMax } from './series-range';

/**
 * The median step time is taken over the newest steps: the run's current speed, past the first
 * steps' compilation, and cheap to read from a 100k-step run.
 */
const MEDIAN_WINDOW_STEPS = 10_000;

/** The median of finite values (mean of the middle two for an even count); null when there are none. */
export function median(values: Float64Array): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The linear-probe accuracy: the newest completed offline linear evaluation (the protocol of the
 * paper's tables) where there is one, else the online probe's last held-out accuracy.
 */
function probeTop1(evaluations: readonly EvaluationSummary[], onlineProbe: number | null): number | null {
  const linear = evaluations.filter(
    (evaluation) => evaluation.kind === 'linear' && evaluation.status === 'completed',
  );
  return linear.at(-1)?.results.top1 ?? onlineProbe;
}

/**
 * The loss's share of the step time: the loss alone (timed once per run, a few steps in) over the
 * median step; null when either is missing (runs trained before the loss was timed).
 */
function lossShare(lossMs: number | null, stepMs: number | null): number | null {
  return lossMs === null || stepMs === null || stepMs <= 0 ? null : lossMs / stepMs;
}

/** One summary-table row of a run, from its summary, its series and its evaluations. */
export function compareRow(store: RunStore, run: RunSummary, nowMs: number): CompareRow {
  const series = store.metricBuckets;
  const id = run.id;
  const stepMs = median(series.recentValues(id, METRIC.stepMs, MEDIAN_WINDOW_STEPS));
  const lastLossStep = series.extent(id, METRIC.loss)?.last ?? 0;
  const evaluations = store.evaluations.list(id);
  return {
    runId: id,
    name: run.name,
    status: run.status,
    tags: run.tags,
    backend: run.backend,
    device: run.device,
    steps: run.progress?.step ?? lastLossStep,
    totalSteps: run.progress?.totalSteps ?? null,
    trainingMs: trainingTimeMs(run, nowMs),
    loss: series.edgeValue(id, METRIC.loss, 'last') ?? run.progress?.loss ?? run.results.loss ?? null,
    knnTop1Initial: series.edgeValue(id, METRIC.knnTop1, 'first'),
    knnTop1Final: series.edgeValue(id, METRIC.knnTop1, 'last'),
    probeTop1: probeTop1(evaluations, series.edgeValue(id, METRIC.probeValTop1, 'last')),
    medianStepMs: stepMs,
    lossShare: lossShare(series.edgeValue(id, METRIC.lossMs, 'last'), stepMs),
    peakRssBytes: seriesMax(series, id, METRIC.rssBytes, !store.readonly),
    config: store.runs.config(id)!,
    evaluations,
  };
}
