import { METRIC, type MetricSeries } from '@shared/metrics';
import type { RunSummary } from '@shared/runs';
import { formatPercent, formatResult } from './format';
import { metricTitle } from './metric-groups';

/** kNN accuracy of one run: at initialisation and the latest known (final once the run ended). */
export interface KnnAccuracy {
  initial?: number;
  latest?: number;
  /** `latest` is the evaluation at the end of training. */
  isFinal: boolean;
  /** latest - initial, when both are known and were taken at different times. */
  gain?: number;
}

const RESULT_KEYS = { 1: ['initialKnnTop1', 'finalKnnTop1'], 5: ['initialKnnTop5', 'finalKnnTop5'] } as const;

function finite(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The top-k kNN accuracy of a run from its results (`initialKnnTop1`, `finalKnnTop1`), else
 * from its `knn/top1` series while it runs (the point at step 0 is the initialisation, the
 * last point the latest evaluation). Null when nothing is known.
 */
export function knnAccuracy(
  results: Readonly<Record<string, number>>,
  series: readonly MetricSeries[] = [],
  k: 1 | 5 = 1,
): KnnAccuracy | null {
  const [initialKey, finalKey] = RESULT_KEYS[k];
  const name = k === 1 ? METRIC.knnTop1 : METRIC.knnTop5;
  const points = series.find((item) => item.name === name);
  const firstStep = points?.steps[0];
  const lastIndex = points ? points.steps.length - 1 : -1;
  const initial = finite(results[initialKey]) ?? (firstStep === 0 ? finite(points?.values[0]) : undefined);
  const final = finite(results[finalKey]);
  const latestPoint =
    points && lastIndex >= 0 && points.steps[lastIndex] !== 0 ? finite(points.values[lastIndex]) : undefined;
  const latest = final ?? latestPoint;
  if (initial === undefined && latest === undefined) return null;
  return {
    ...(initial === undefined ? {} : { initial }),
    ...(latest === undefined ? {} : { latest }),
    isFinal: final !== undefined,
    ...(initial !== undefined && latest !== undefined ? { gain: latest - initial } : {}),
  };
}

/** For the runs list: the final top-1 accuracy, else the latest known, and whether it is final. */
export function latestKnnTop1(
  results: Readonly<Record<string, number>>,
): { value: number; isFinal: boolean; isInitial: boolean } | null {
  const final = finite(results.finalKnnTop1);
  if (final !== undefined) return { value: final, isFinal: true, isInitial: false };
  // The backend names it `latestKnnTop1`; older stores wrote `knnTop1`.
  const latest = finite(results.latestKnnTop1) ?? finite(results.knnTop1);
  if (latest !== undefined) return { value: latest, isFinal: false, isInitial: false };
  const initial = finite(results.initialKnnTop1);
  return initial === undefined ? null : { value: initial, isFinal: false, isInitial: true };
}

/** A gain in accuracy as percentage points: `+33.3 pp`, `−1.2 pp`. */
export function formatGain(gain: number): string {
  const points = Number((gain * 100).toFixed(1));
  return `${points >= 0 ? '+' : '−'}${Math.abs(points)} pp`;
}

/** The loss to show for a run, and whether it is the final one. */
export interface RunLoss {
  value: number;
  /** The run completed: this is the loss of its last step. */
  isFinal: boolean;
  /** The step it was measured at, when known. */
  step?: number;
}

/**
 * The loss of a completed run, else the newest one known: the loss series' last point (the
 * Run page has it), the worker's latest progress report, or what the run stored when a worker
 * last ended. A run that trains or was stopped never has a "final" loss.
 */
export function runLoss(
  run: Pick<RunSummary, 'status' | 'results' | 'progress'>,
  series: readonly MetricSeries[] = [],
): RunLoss | null {
  const stored = finite(run.results.loss);
  if (run.status === 'completed' && stored !== undefined)
    return { value: stored, isFinal: true, ...(run.progress ? { step: run.progress.step } : {}) };
  const points = series.find((item) => item.name === METRIC.loss);
  const last = points ? points.steps.length - 1 : -1;
  const fromSeries = points && last >= 0 ? finite(points.values[last]) : undefined;
  if (fromSeries !== undefined) return { value: fromSeries, isFinal: false, step: points!.steps[last]! };
  const reported = finite(run.progress?.loss);
  if (reported !== undefined) return { value: reported, isFinal: false, step: run.progress!.step };
  return stored === undefined ? null : { value: stored, isFinal: false };
}

const RESULT_LABELS: Record<string, string> = {
  finalProbeTop1: 'Online probe top-1',
  lossMs: 'Loss fwd + bwd',
};

/**
 * Shown elsewhere, from fresher sources: the loss (`runLoss`), the steps (the progress bar) and
 * the duration of the last worker's segment (the training time summed over all segments).
 */
const SHOWN_ELSEWHERE = new Set(['loss', 'steps', 'durationMs']);

/** Results other than the kNN accuracies (which have their own place), labelled and formatted. */
export function otherResults(
  results: Readonly<Record<string, number>>,
): { name: string; label: string; value: string }[] {
  return Object.entries(results)
    .filter(([name]) => !/knnTop\d+$/i.test(name) && !SHOWN_ELSEWHERE.has(name))
    .map(([name, value]) => ({
      name,
      label: RESULT_LABELS[name] ?? metricTitle(name.replace(/Ms$/, '')),
      value: /Top\d+$/.test(name) ? formatPercent(value) : formatResult(name, value),
    }));
}
