import { getCurrentScope, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { ClusterProfile, SlurmProfileSettings } from '@shared/cluster/types';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

/** By name, as the forms and the CLI list them. */
function byName(list: readonly ClusterProfile[]): ClusterProfile[] {
  return [...list].sort((a, b) => a.settings.name.localeCompare(b.settings.name) || a.id - b.id);
}

/**
 * The Slurm profiles (`cluster:profiles`), kept current by the `cluster:profiles` event (any window
 * or the CLI added, edited or removed one) and recounted after job events, and the calls that
 * change them. A refused save or
 * remove keeps its error (a save's with per-field messages), not thrown.
 */
export function useClusterProfiles(options: { api?: ApiClient; recountMs?: number } = {}) {
  const api = options.api ?? useApi();
  const profiles = shallowRef<ClusterProfile[]>([]);
  const hasLoaded = ref(false);
  const list = useApiCall('cluster:profiles', {}, { api });
  watch(list.data, (listed) => {
    if (!listed) return;
    profiles.value = byName(listed);
    hasLoaded.value = true;
  });
  useApiEvent(
    'cluster:profiles',
    (listed) => {
      profiles.value = byName(listed);
      hasLoaded.value = true;
    },
    api,
  );

  // The run and active-job counts change with the jobs, which the profiles event does not
  // announce: a burst of job events asks for the list once.
  let recountTimer: ReturnType<typeof setTimeout> | undefined;
  useApiEvent(
    'cluster:job',
    () => {
      clearTimeout(recountTimer);
      recountTimer = setTimeout(() => void list.execute(), options.recountMs ?? 300);
    },
    api,
  );
  if (getCurrentScope()) onScopeDispose(() => clearTimeout(recountTimer));

  const isSaving = ref(false);
  const saveError = shallowRef<AppError | null>(null);
  const removeError = shallowRef<AppError | null>(null);

  function upsert(profile: ClusterProfile): void {
    profiles.value = byName([...profiles.value.filter((item) => item.id !== profile.id), profile]);
  }

  /** Adds a profile (no id) or replaces one's settings; resolves to the stored profile, or null. */
  async function save(settings: SlurmProfileSettings, id?: number): Promise<ClusterProfile | null> {
    if (isSaving.value) return null;
    isSaving.value = true;
    saveError.value = null;
    const result = await api.call('cluster:profile-save', id === undefined ? { settings } : { id, settings });
    isSaving.value = false;
    if (!result.ok) {
      saveError.value = result.error;
      return null;
    }
    upsert(result.value);
    return result.value;
  }

  /** Refused while one of its runs has a job in Slurm's queue: `removeError` says so. */
  async function remove(id: number): Promise<boolean> {
    removeError.value = null;
    const result = await api.call('cluster:profile-remove', { id });
    if (!result.ok) {
      removeError.value = result.error;
      return false;
    }
    profiles.value = profiles.value.filter((item) => item.id !== id);
    return true;
  }

  return {
    profiles,
    hasLoaded,
    isLoading: list.isLoading,
    error: list.error,
    reload: list.execute,
    isSaving,
    saveError,
    removeError,
    save,
    remove,
    clearSaveError: () => (saveError.value = null),
  };
}
