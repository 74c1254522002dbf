import { ref, shallowRef, watch } from 'vue';
import type { CostStudySettings, CostStudySummary } from '@shared/cost/types';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

/** Newest first, as the list is read: the study just started on top. */
export function upsertCostStudy(
  list: readonly CostStudySummary[],
  study: CostStudySummary,
): CostStudySummary[] {
  const rest = list.filter((item) => item.id !== study.id);
  return [...rest, study].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
}

/**
 * The cost studies (`cost:list`), kept live by `cost:status`, and the calls that change them. A
 * refused start keeps its error (with per-field messages) in `startError`, not thrown.
 */
export function useCostStudies(options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const studies = shallowRef<readonly CostStudySummary[]>([]);
  const hasLoaded = ref(false);
  const isStarting = ref(false);
  const startError = shallowRef<AppError | null>(null);
  const actionError = shallowRef<AppError | null>(null);

  const list = useApiCall('cost:list', {}, { api });
  // The first answer (and a refetch after a reconnect) replaces the list; events keep it current.
  watch(list.data, (listed) => {
    if (!listed) return;
    studies.value = [...listed].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    hasLoaded.value = true;
  });
  useApiEvent('cost:status', (study) => (studies.value = upsertCostStudy(studies.value, study)), api);

  async function start(settings: CostStudySettings): Promise<CostStudySummary | null> {
    if (isStarting.value) return null;
    isStarting.value = true;
    startError.value = null;
    const result = await api.call('cost:start', { settings });
    isStarting.value = false;
    if (!result.ok) {
      startError.value = result.error;
      return null;
    }
    studies.value = upsertCostStudy(studies.value, result.value);
    return result.value;
  }

  async function stop(costStudyId: number): Promise<void> {
    const result = await api.call('cost:stop', { costStudyId });
    actionError.value = result.ok ? null : result.error;
    if (result.ok) studies.value = upsertCostStudy(studies.value, result.value);
  }

  async function remove(costStudyId: number): Promise<boolean> {
    const result = await api.call('cost:delete', { costStudyId });
    actionError.value = result.ok ? null : result.error;
    if (result.ok) studies.value = studies.value.filter((item) => item.id !== costStudyId);
    return result.ok;
  }

  return {
    studies,
    hasLoaded,
    error: list.error,
    isLoading: list.isLoading,
    isStarting,
    startError,
    actionError,
    reload: list.execute,
    start,
    stop,
    remove,
  };
}
