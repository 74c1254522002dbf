import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef } from 'vue';
import type { CallInput, CallOutputs } from '@shared/api/contract';
import type { AppError, Result } from '@shared/errors';
import type { RunProgress, RunSummary } from '@shared/runs';
import { useApi } from '../api/client';
import { useApiEvent, useReconnect } from '../composables/useApiEvent';
import { useNoticesStore } from './notices.store';

/**
 * Run summaries for the whole app, kept live by `run:status` and `run:progress` events and
 * refetched after the event stream reconnects.
 */
export const useRunsStore = defineStore('runs', () => {
  const api = useApi();
  const notices = useNoticesStore();
  const byId = shallowReactive(new Map<number, RunSummary>());
  const isLoading = ref(false);
  const hasLoaded = ref(false);
  const error = shallowRef<AppError | null>(null);

  // An event newer than a list request must win over that request's (older) answer.
  let updateCount = 0;
  const updatedAt = new Map<number, number>();
  let latestRefresh = 0;

  /** Newest first. */
  const runs = computed(() => [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id));

  function find(runId: number): RunSummary | undefined {
    return byId.get(runId);
  }

  function upsert(summary: RunSummary): void {
    byId.set(summary.id, summary);
    updatedAt.set(summary.id, ++updateCount);
  }

  function applyProgress(runId: number, progress: RunProgress): void {
    const run = byId.get(runId);
    if (!run) return;
    byId.set(runId, { ...run, progress });
    updatedAt.set(runId, ++updateCount);
  }

  function forget(runId: number): void {
    byId.delete(runId);
    updatedAt.set(runId, ++updateCount);
  }

  async function refresh(): Promise<void> {
    const request = ++latestRefresh;
    const startedAt = updateCount;
    isLoading.value = true;
    const result = await api.call('runs:list', {});
    if (request !== latestRefresh) return;
    isLoading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = null;
    hasLoaded.value = true;
    const listed = new Set(result.value.map((run) => run.id));
    for (const id of [...byId.keys()]) {
      if (!listed.has(id) && (updatedAt.get(id) ?? 0) <= startedAt) byId.delete(id);
    }
    for (const run of result.value) {
      if ((updatedAt.get(run.id) ?? 0) <= startedAt) byId.set(run.id, run);
    }
  }

  async function act<C extends 'runs:start' | 'runs:stop' | 'runs:resume' | 'runs:delete'>(
    channel: C,
    runId: number,
    verb: string,
  ): Promise<Result<CallOutputs[C]>> {
    const result = await api.call(channel, { runId } as CallInput<C>);
    if (!result.ok) notices.push('error', `Could not ${verb} run ${runId}: ${result.error.message}`);
    return result;
  }

  /** Starts a created run, or starts a stopped, failed or interrupted one over from step 0. */
  async function start(runId: number): Promise<boolean> {
    const result = await act('runs:start', runId, 'start');
    if (result.ok) upsert(result.value);
    return result.ok;
  }

  /**
   * Continues a stopped, failed or interrupted run from its last good checkpoint. The backend
   * refuses (`conflict`) when there is none; the refusal is shown as a notice.
   */
  async function resume(runId: number): Promise<boolean> {
    const result = await act('runs:resume', runId, 'resume');
    if (result.ok) upsert(result.value);
    return result.ok;
  }

  async function stop(runId: number): Promise<boolean> {
    const result = await act('runs:stop', runId, 'stop');
    if (result.ok) upsert(result.value);
    return result.ok;
  }

  async function remove(runId: number): Promise<boolean> {
    const result = await act('runs:delete', runId, 'delete');
    if (result.ok) forget(runId);
    return result.ok;
  }

  useApiEvent('run:status', upsert, api);
  useApiEvent('run:progress', ({ runId, progress }) => applyProgress(runId, progress), api);
  useApiEvent('run:deleted', ({ runId }) => forget(runId), api);
  useReconnect(() => void refresh(), api);

  return {
    runs,
    isLoading,
    hasLoaded,
    error,
    find,
    refresh,
    upsert,
    start,
    resume,
    stop,
    remove,
  };
});
