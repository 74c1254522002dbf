import { computed, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import type { CaptureJob } from '@shared/inspect';
import { useApi, type ApiClient } from '../api/client';
import { useApiEvent, useReconnect } from './useApiEvent';

/**
 * The run's "snapshot from a checkpoint" jobs: listed, started, and followed through
 * `inspect:job` events (progress while the worker runs, then the snapshot it stored).
 */
export function useInspectCapture(runId: MaybeRefOrGetter<number | null>, options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const jobs = shallowRef<CaptureJob[]>([]);
  const error = shallowRef<AppError | null>(null);
  let generation = 0;

  function upsert(job: CaptureJob): void {
    jobs.value = [...jobs.value.filter((item) => item.id !== job.id), job].sort((a, b) => a.id - b.id);
  }

  async function refresh(): Promise<void> {
    const id = toValue(runId);
    const request = ++generation;
    if (id === null) return;
    const result = await api.call('inspect:jobs', { runId: id });
    if (request !== generation) return;
    if (result.ok) jobs.value = [...result.value].sort((a, b) => a.id - b.id);
    else error.value = result.error;
  }

  /** Starts a job on the checkpoint of `checkpointStep` (the newest good one when undefined). */
  async function start(checkpointStep?: number): Promise<CaptureJob | null> {
    const id = toValue(runId);
    if (id === null) return null;
    error.value = null;
    const result = await api.call(
      'inspect:capture',
      checkpointStep === undefined ? { runId: id } : { runId: id, checkpointStep },
    );
    if (!result.ok) {
      error.value = result.error;
      return null;
    }
    upsert(result.value);
    return result.value;
  }

  const running = computed(() => jobs.value.filter((job) => job.status === 'running'));
  /** The newest job, for its outcome line. */
  const latest = computed(() => jobs.value[jobs.value.length - 1] ?? null);

  watch(
    () => toValue(runId),
    () => {
      jobs.value = [];
      void refresh();
    },
    { immediate: true },
  );
  useApiEvent(
    'inspect:job',
    (job) => {
      if (job.runId === toValue(runId)) upsert(job);
    },
    api,
  );
  useReconnect(() => void refresh(), api);
  return { jobs, running, latest, error, start, refresh };
}
