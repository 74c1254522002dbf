import { computed, onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { ApiClient } from '../api/client';
import { useApi } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

export interface UseCompareSeriesOptions {
  /**
   * Points per series the server reduces to. Default 1200: about two per pixel column of a chart
   * in the page's two-column grid (M4 keeps each bucket's extremes; zooming asks again).
   */
  points?: number;
  /** Wait this long after the last zoom before asking for the visible range. Default 250 ms. */
  zoomDebounceMs?: number;
  api?: ApiClient;
}

/**
 * The comparison's series: every selected metric of every run, reduced by the server (M4, so
 * no spike is lost), with the runs' clocks. A zoom asks again for the visible steps only, at
 * full resolution there, once the reader has stopped zooming; the previous series stay drawn
 * meanwhile.
 */
export function useCompareSeries(
  runIds: MaybeRefOrGetter<number[]>,
  metrics: MaybeRefOrGetter<string[]>,
  options: UseCompareSeriesOptions = {},
) {
  const { points = 1200, zoomDebounceMs = 250 } = options;
  /** The visible steps, or null for the whole runs. */
  const stepWindow = shallowRef<[number, number] | null>(null);
  const call = useApiCall(
    'metrics:range',
    () => {
      const ids = toValue(runIds);
      const names = toValue(metrics);
      if (ids.length === 0 || names.length === 0) return null;
      const window = stepWindow.value;
      return {
        runIds: ids,
        names,
        points,
        ...(window ? { fromStep: window[0], toStep: window[1] } : {}),
      };
    },
    { keepPreviousData: true, api: options.api },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  function zoomTo(window: [number, number] | null): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const current = stepWindow.value;
      if (JSON.stringify(current) !== JSON.stringify(window)) stepWindow.value = window;
    }, zoomDebounceMs);
  }
  onScopeDispose(() => clearTimeout(timer));
  return { ...call, stepWindow, zoomTo };
}

/** The summary rows (status, results, configuration) of the compared runs. */
export function useCompareRows(runIds: MaybeRefOrGetter<number[]>, api?: ApiClient) {
  return useApiCall(
    'compare:rows',
    () => {
      const ids = toValue(runIds);
      return ids.length > 0 ? { runIds: ids } : null;
    },
    { keepPreviousData: true, api },
  );
}

/**
 * The metric names the compared runs logged, with how many of them logged each (a metric
 * only one run has is still offered, and the picker says so).
 */
export function useCompareMetricNames(runIds: MaybeRefOrGetter<number[]>, options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const counts = shallowRef<Map<string, number>>(new Map());
  const isLoading = ref(false);
  let latest = 0;
  async function load(): Promise<void> {
    const request = ++latest;
    const ids = toValue(runIds);
    isLoading.value = true;
    const results = await Promise.all(ids.map((runId) => api.call('metrics:names', { runId })));
    if (request !== latest) return;
    const next = new Map<string, number>();
    for (const result of results)
      if (result.ok) for (const name of result.value) next.set(name, (next.get(name) ?? 0) + 1);
    counts.value = next;
    isLoading.value = false;
  }
  watch(
    () => toValue(runIds).join(','),
    () => void load(),
    { immediate: true },
  );
  const names = computed(() => [...counts.value.keys()]);
  return { counts, names, isLoading, reload: load };
}

/**
 * Calls `refresh` when a compared run logs metrics or changes status, at most once per
 * `intervalMs` (a running run reports several times a second), so the page follows runs
 * still training without refetching on every event.
 */
export function useCompareLive(
  runIds: MaybeRefOrGetter<number[]>,
  refresh: () => void,
  { intervalMs = 2000, api }: { intervalMs?: number; api?: ApiClient } = {},
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const schedule = (runId: number) => {
    if (!toValue(runIds).includes(runId) || timer !== undefined) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      refresh();
    }, wait);
  };
  const client = api ?? useApi();
  useApiEvent('run:metrics', (payload) => schedule(payload.runId), client);
  useApiEvent('run:status', (payload) => schedule(payload.id), client);
  onScopeDispose(() => clearTimeout(timer));
}
