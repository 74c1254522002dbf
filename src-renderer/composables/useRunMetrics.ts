import { getCurrentScope, onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import type { MetricSeries } from '@shared/metrics';
import { useApi, type ApiClient } from '../api/client';
import { commonLastStep, mergeSeriesList } from '../domain/metric-series';
import { useApiEvent, useReconnect } from './useApiEvent';

export interface UseRunMetricsOptions {
  /**
   * Pushed points are gathered and applied at most this often, so a fast run does not redraw per
   * batch. Default 250 ms; it grows with the longest series (1 ms per 100 points, at most 1 s),
   * since redrawing a 100k-point chart costs tens of milliseconds.
   */
  flushIntervalMs?: number;
  api?: ApiClient;
}

/** The call accepts at most this many names at once. */
const NAMES_PER_CALL = 50;

/**
 * Every metric series of a run: fetched once (`metrics:names`, then `metrics:series`), then
 * extended by `run:metrics` events without refetching. `series` is a shallowRef whose list and
 * arrays are replaced whole on every change, never mutated, so charts can compare by identity.
 */
export function useRunMetrics(runId: MaybeRefOrGetter<number | null>, options: UseRunMetricsOptions = {}) {
  const api = options.api ?? useApi();
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const series = shallowRef<MetricSeries[]>([]);
  const isLoading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let generation = 0;
  let pending: MetricSeries[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  function currentFlushIntervalMs(): number {
    const longest = Math.max(0, ...series.value.map((item) => item.steps.length));
    return Math.min(Math.max(flushIntervalMs, longest / 100), Math.max(flushIntervalMs, 1000));
  }

  function flush(): void {
    flushTimer = undefined;
    if (pending.length === 0) return;
    series.value = mergeSeriesList(series.value, pending);
    pending = [];
  }

  async function fetchSeries(id: number, afterStep: number): Promise<MetricSeries[] | AppError> {
    const names = await api.call('metrics:names', { runId: id });
    if (!names.ok) return names.error;
    const chunks: string[][] = [];
    for (let start = 0; start < names.value.length; start += NAMES_PER_CALL) {
      chunks.push(names.value.slice(start, start + NAMES_PER_CALL));
    }
    const results = await Promise.all(
      chunks.map((chunk) => api.call('metrics:series', { runId: id, names: chunk, afterStep })),
    );
    const fetched: MetricSeries[] = [];
    for (const result of results) {
      if (!result.ok) return result.error;
      fetched.push(...result.value);
    }
    return fetched;
  }

  /** Fetches everything (or only points after the last common step, when `incremental`). */
  async function load(incremental = false): Promise<void> {
    const id = toValue(runId);
    if (id === null) return;
    const request = generation;
    isLoading.value = !incremental;
    const fetched = await fetchSeries(id, incremental ? commonLastStep(series.value) : -1);
    if (request !== generation) return;
    isLoading.value = false;
    if (!Array.isArray(fetched)) {
      error.value = fetched;
      return;
    }
    error.value = null;
    // Points pushed while the fetch was under way are kept: the merge drops duplicate steps.
    series.value = incremental
      ? mergeSeriesList(series.value, fetched)
      : mergeSeriesList(fetched, series.value);
  }

  function reset(): void {
    generation += 1;
    pending = [];
    clearTimeout(flushTimer);
    flushTimer = undefined;
    series.value = [];
    error.value = null;
  }

  /** Drops what is shown and fetches it all again (e.g. after a run was restarted). */
  function reload(): Promise<void> {
    reset();
    return load();
  }

  watch(
    () => toValue(runId),
    () => void reload(),
    { immediate: true },
  );

  useApiEvent(
    'run:metrics',
    (payload) => {
      if (payload.runId !== toValue(runId)) return;
      pending.push(...payload.series);
      flushTimer ??= setTimeout(flush, currentFlushIntervalMs());
    },
    api,
  );
  useReconnect(() => void load(true), api);
  if (getCurrentScope()) onScopeDispose(reset);

  return { series, isLoading, error, reload };
}
