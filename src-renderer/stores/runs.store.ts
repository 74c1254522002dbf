import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef } from 'vue';
import type { CallInput, CallOutputs } from '@shared/api/contract';
import type { RunPage, RunQuery } from '@shared/compare';
import type { AppError, Result } from '@shared/errors';
import type { RunProgress, RunSummary } from '@shared/runs';
import { useApi } from '../api/client';
import { useApiEvent, useReconnect } from '../composables/useApiEvent';
import { useNoticesStore } from './notices.store';

/**
 * Run summaries for the whole app, kept live by `run:status` and `run:progress` events and
 * refetched after the event stream reconnects. `refresh` loads every run (the interrupted-runs
 * offer needs them); the Runs page loads one page at a time with `query`, whose rows are looked
 * up here so events keep them live.
 */
/** Runs `refresh` loads at most (the newest); the Runs page pages through the rest. */
const LIST_LIMIT = 500;

export const useRunsStore = defineStore('runs', () => {
  const api = useApi();
  const notices = useNoticesStore();
  const byId = shallowReactive(new Map<number, RunSummary>());
  const isLoading = ref(false);
  const hasLoaded = ref(false);
  const error = shallowRef<AppError | null>(null);

  // Each event and each request takes the next number; a run keeps the number of what last
  // wrote it. An answer writes a run only if nothing newer did: an event after the request was
  // sent, or the answer to a request sent later (pages of the list can overtake each other).
  let updateCount = 0;
  const updatedAt = new Map<number, number>();
  const isOlder = (runId: number, version: number) => (updatedAt.get(runId) ?? 0) < version;
  function storeAnswer(run: RunSummary, version: number): void {
    if (!isOlder(run.id, version)) return;
    byId.set(run.id, run);
    updatedAt.set(run.id, version);
  }
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
    const version = ++updateCount;
    isLoading.value = true;
    const result = await api.call('runs:list', { limit: LIST_LIMIT });
    if (request !== latestRefresh) return;
    isLoading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = null;
    hasLoaded.value = true;
    const listed = new Set(result.value.map((run) => run.id));
    // The list holds the newest runs (by id): below its oldest, a run it lacks may just be
    // beyond the limit (a page of the Runs list loaded it), not deleted.
    const floor = result.value.length < LIST_LIMIT ? 0 : Math.min(...listed);
    for (const id of [...byId.keys()]) {
      if (id >= floor && !listed.has(id) && isOlder(id, version)) byId.delete(id);
    }
    for (const run of result.value) storeAnswer(run, version);
  }

  /**
   * One page of the filtered, sorted list (`runs:query`). Its summaries are stored like a list
   * answer's: not over an event or answer newer than the request.
   */
  async function query(input: RunQuery): Promise<Result<RunPage>> {
    const version = ++updateCount;
    const result = await api.call('runs:query', input);
    if (result.ok) for (const run of result.value.runs) storeAnswer(run, version);
    return result;
  }

  /** Renames, tags or annotates a run; a refusal comes back with its field messages for the editor. */
  async function update(input: CallInput<'runs:update'>): Promise<Result<RunSummary>> {
    const result = await api.call('runs:update', input);
    if (result.ok) upsert(result.value);
    return result;
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
    query,
    update,
    upsert,
    start,
    resume,
    stop,
    remove,
  };
});
