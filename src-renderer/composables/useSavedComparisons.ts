import { computed, shallowRef } from 'vue';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { useApiCall } from './useApiCall';

/** The saved comparisons (`comparisons:list`), newest first as the backend sends them, and deleting one. */
export function useSavedComparisons(options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const list = useApiCall('comparisons:list', {}, { api, keepPreviousData: true });
  const deleteError = shallowRef<AppError | null>(null);
  const comparisons = computed(() => list.data.value ?? []);
  const error = computed(() => deleteError.value ?? list.error.value);

  async function remove(id: number): Promise<boolean> {
    const result = await api.call('comparisons:delete', { id });
    deleteError.value = result.ok ? null : result.error;
    await list.execute();
    return result.ok;
  }

  return { comparisons, error, remove, refresh: list.execute };
}
