import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import type { SnapshotSummary } from '@shared/inspect';
import { useApi, type ApiClient } from '../api/client';
import { useApiEvent, useReconnect } from './useApiEvent';

/**
 * A run's snapshots, oldest step first: fetched when the run changes and kept current by
 * `run:snapshot` events while it trains (or a capture job stores one). A step may have two, one
 * taken in training and one computed from that step's checkpoint; a new one of the same step and
 * source (a restarted run) replaces the old. A null run id lists nothing.
 */
export function useInspectSnapshots(
  runId: MaybeRefOrGetter<number | null>,
  options: { api?: ApiClient } = {},
) {
  const api = options.api ?? useApi();
  const snapshots = shallowRef<SnapshotSummary[]>([]);
  const isLoading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let generation = 0;

  async function refresh(): Promise<void> {
    const id = toValue(runId);
    const request = ++generation;
    if (id === null) {
      snapshots.value = [];
      return;
    }
    isLoading.value = true;
    const result = await api.call('inspect:snapshots', { runId: id });
    if (request !== generation) return;
    isLoading.value = false;
    if (result.ok) {
      snapshots.value = [...result.value].sort((a, b) => a.step - b.step || a.id - b.id);
      error.value = null;
    } else {
      error.value = result.error;
    }
  }

  watch(
    () => toValue(runId),
    () => {
      snapshots.value = [];
      void refresh();
    },
    { immediate: true },
  );
  useApiEvent(
    'run:snapshot',
    (snapshot) => {
      if (snapshot.runId !== toValue(runId)) return;
      const others = snapshots.value.filter(
        (item) =>
          item.id !== snapshot.id && !(item.step === snapshot.step && item.source === snapshot.source),
      );
      snapshots.value = [...others, snapshot].sort((a, b) => a.step - b.step || a.id - b.id);
    },
    api,
  );
  useReconnect(() => void refresh(), api);
  return { snapshots, isLoading, error, refresh };
}
