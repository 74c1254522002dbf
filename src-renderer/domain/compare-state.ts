import { COMPARE_LIMITS, X_AXES, type CompareState, type XAxis } from '@shared/compare';

/** A comparison's settings when the URL says nothing about them. */
export const DEFAULT_COMPARE_STATE: CompareState = {
  runIds: [],
  metrics: [],
  xAxis: 'step',
  smoothing: 0,
  logY: false,
  ignoreOutliers: false,
  groupBy: [],
  band: 'minmax',
};

const BANDS = ['minmax', 'std', 'ci95'] as const;

/** The query as vue-router hands it over: a value, several, or none. */
export type QueryValue = string | null | (string | null)[] | undefined;

function first(value: QueryValue): string | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' ? item : undefined;
}

function list(value: QueryValue): string[] {
  const text = first(value);
  if (!text) return [];
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * The comparison a URL describes. Lenient on purpose: a hand-edited or old bookmark opens with
 * what makes sense (unknown x-axes fall back to steps, smoothing is clamped into 0..0.99, run
 * ids that are not positive integers are dropped) rather than an error page.
 */
export function parseCompareQuery(query: Record<string, QueryValue>): CompareState {
  const runIds = unique(
    list(query.runs)
      .map(Number)
      .filter((id) => Number.isInteger(id) && id > 0),
  ).slice(0, COMPARE_LIMITS.maxRuns);
  const x = first(query.x);
  const smooth = Number(first(query.smooth));
  const band = first(query.band);
  return {
    runIds,
    metrics: unique(list(query.metrics)).slice(0, COMPARE_LIMITS.maxMetrics),
    xAxis: (X_AXES as readonly string[]).includes(x ?? '') ? (x as XAxis) : 'step',
    smoothing: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, Math.round(smooth * 100) / 100)) : 0,
    logY: first(query.logy) === '1',
    ignoreOutliers: first(query.outliers) === '1',
    groupBy: unique(list(query.group)).slice(0, 8),
    band: (BANDS as readonly string[]).includes(band ?? '') ? (band as CompareState['band']) : 'minmax',
  };
}

/** The URL query of a comparison; settings at their default are left out, so links stay short. */
export function toCompareQuery(state: CompareState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.runIds.length > 0) query.runs = state.runIds.join(',');
  if (state.metrics.length > 0) query.metrics = state.metrics.join(',');
  if (state.xAxis !== 'step') query.x = state.xAxis;
  if (state.smoothing > 0) query.smooth = String(state.smoothing);
  if (state.logY) query.logy = '1';
  if (state.ignoreOutliers) query.outliers = '1';
  if (state.groupBy.length > 0) query.group = state.groupBy.join(',');
  if (state.band !== 'minmax') query.band = state.band;
  return query;
}
