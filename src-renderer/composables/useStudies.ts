import { computed, shallowRef, watch } from 'vue';
import type { StudySummary } from '@shared/study/types';
import { useApi, type ApiClient } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

/**
 * Every study, newest first, kept live by `study:status` (a run or an evaluation of it changed)
 * and `study:deleted`; refetched after the event stream reconnects.
 */
export function useStudies(options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const call = useApiCall('studies:list', {}, { api });
  const byId = shallowRef(new Map<number, StudySummary>());

  watch(call.data, (list) => {
    if (list) byId.value = new Map(list.map((study) => [study.id, study]));
  });

  useApiEvent(
    'study:status',
    (study) => {
      byId.value = new Map(byId.value).set(study.id, study);
    },
    api,
  );
  useApiEvent(
    'study:deleted',
    ({ studyId }) => {
      if (!byId.value.has(studyId)) return;
      const next = new Map(byId.value);
      next.delete(studyId);
      byId.value = next;
    },
    api,
  );

  const studies = computed(() =>
    [...byId.value.values()].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id),
  );

  return {
    studies,
    hasLoaded: computed(() => call.data.value !== undefined),
    isLoading: call.isLoading,
    error: call.error,
    reload: call.execute,
  };
}
