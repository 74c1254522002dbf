import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import { INSPECT_METRICS } from '@shared/inspect';
import type { MetricSeries } from '@shared/metrics';
import { useApi, type ApiClient } from '../api/client';
import { mergeSeriesList } from '../domain/metric-series';
import { useApiEvent, useReconnect } from './useApiEvent';

const NAMES = Object.values(INSPECT_METRICS);

/**
 * The run's `inspect/*` series (relaxation gap, RankMe, collapsed features): fetched once (only
 * these few names, not every metric of the run), then extended by the `run:metrics` events the
 * main side pushes once it has derived a new snapshot's measurements.
 */
export function useInspectMetrics(runId: MaybeRefOrGetter<number | null>, options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const series = shallowRef<MetricSeries[]>([]);
  const error = shallowRef<AppError | null>(null);
  const isLoading = ref(false);
  let generation = 0;

  async function refresh(): Promise<void> {
    const id = toValue(runId);
    const request = ++generation;
    if (id === null) return;
    isLoading.value = true;
    const result = await api.call('metrics:series', { runId: id, names: NAMES });
    if (request !== generation) return;
    isLoading.value = false;
    if (result.ok) {
      series.value = result.value;
      error.value = null;
    } else error.value = result.error;
  }

  /** The series of one name, or an empty one. */
  function byName(name: string): MetricSeries {
    return series.value.find((item) => item.name === name) ?? { name, steps: [], values: [] };
  }

  watch(
    () => toValue(runId),
    () => {
      series.value = [];
      void refresh();
    },
    { immediate: true },
  );
  useApiEvent(
    'run:metrics',
    (event) => {
      if (event.runId !== toValue(runId)) return;
      const ours = event.series.filter((item) => NAMES.includes(item.name));
      if (ours.length > 0) series.value = mergeSeriesList(series.value, ours);
    },
    api,
  );
  useReconnect(() => void refresh(), api);
  return { series, error, isLoading, refresh, byName };
}
