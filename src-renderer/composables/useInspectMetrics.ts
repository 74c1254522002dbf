import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import { INSPECT_METRICS } from '@shared/inspect';
import type { MetricSeries } from '@shared/metrics';
import { useApi, type ApiClient } from '../api/client';
import { useApiEvent, useReconnect } from './useApiEvent';

const NAMES = Object.values(INSPECT_METRICS);

/**
 * The run's `inspect/*` series (relaxation gap, RankMe, collapsed features), refetched when a
 * snapshot of the run is stored, since they are written with it. Only these few names are asked
 * for, not every metric of the run.
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
    'run:snapshot',
    (snapshot) => {
      if (snapshot.runId === toValue(runId)) void refresh();
    },
    api,
  );
  useReconnect(() => void refresh(), api);
  return { series, error, isLoading, refresh, byName };
}
