import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import { ACTIVE_STATUSES, type RunStatus, type RunSummary } from '@shared/runs';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { buildRunQuery, DEFAULT_LIST_STATE, type RunListState } from '../domain/run-query';
import { useRunsStore } from '../stores/runs.store';
import { useApiEvent, useReconnect } from './useApiEvent';

export interface UseRunListOptions {
  /** Where the list starts (e.g. read from the URL). Default: newest first, no filter. */
  initial?: RunListState;
  /** Quiet time after the last keystroke before the filter is sent. Default 250 ms. */
  debounceMs?: number;
  /** Quiet time after a run changed status before the page is asked again. Default 400 ms. */
  requeryMs?: number;
  /** Default: the injected client. */
  api?: ApiClient;
}

/**
 * The Runs page's list: one page of runs from `runs:query`, filtered and sorted by the server.
 * Typing waits `debounceMs` before asking; sorting and paging ask at once; an answer older than
 * the newest request is dropped. Rows are read from the runs store, so progress and status
 * events update them in place; a run that appears, disappears or changes status asks for the
 * page again (it may now sort or filter differently).
 */
export function useRunList(options: UseRunListOptions = {}) {
  const { debounceMs = 250, requeryMs = 400 } = options;
  const api = options.api ?? useApi();
  const store = useRunsStore();
  const state: Ref<RunListState> = ref({ ...(options.initial ?? DEFAULT_LIST_STATE) });
  /** The filter text as sent; trails `state.text` by the debounce. */
  const sentText = ref(state.value.text);
  const ids = shallowRef<number[]>([]);
  const total = ref(0);
  const counts = shallowRef<{ all: number; active: number } | null>(null);
  const isLoading = ref(false);
  const hasLoaded = ref(false);
  const error = shallowRef<AppError | null>(null);
  /** Status of each shown run when the page was fetched: a change is worth asking again. */
  let shownStatus = new Map<number, RunStatus>();
  let latestRequest = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let requeryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const query = computed(() => buildRunQuery({ ...state.value, text: sentText.value }));
  const rows = computed(() =>
    ids.value.map((id) => store.find(id)).filter((run): run is RunSummary => run !== undefined),
  );
  const pageCount = computed(() => Math.max(1, Math.ceil(total.value / state.value.pageSize)));

  /** Asks for the current page now; resolves when the answer (or a newer one) is in. */
  async function load(): Promise<void> {
    const request = ++latestRequest;
    const startMs = performance.now();
    isLoading.value = true;
    const [result] = await Promise.all([timed(() => store.query(query.value)), loadCounts(request)]);
    if (disposed || request !== latestRequest) return;
    isLoading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = null;
    hasLoaded.value = true;
    total.value = result.value.total;
    ids.value = result.value.runs.map((run) => run.id);
    shownStatus = new Map(result.value.runs.map((run) => [run.id, run.status]));
    afterPaint(() => performance.measure('runs-list-shown', { start: startMs, end: performance.now() }));
    // A page past the end (runs were deleted or the filter narrowed): go to the last one.
    const last = Math.max(0, Math.ceil(total.value / state.value.pageSize) - 1);
    if (state.value.page > last) state.value = { ...state.value, page: last };
  }

  /** Runs `callback` once the browser has painted the change (at once where nothing paints, as in tests). */
  function afterPaint(callback: () => void): void {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(callback, 0));
    else callback();
  }

  /** The page call's time on the browser's performance timeline (the e2e test reads it). */
  async function timed<T>(call: () => Promise<T>): Promise<T> {
    const startMs = performance.now();
    const result = await call();
    performance.measure('runs-list-call', { start: startMs, end: performance.now() });
    return result;
  }

  /** How many runs exist and how many train, whatever the filter (the page's subtitle). */
  async function loadCounts(request: number): Promise<void> {
    const base = { sort: 'id', direction: 'desc', offset: 0, limit: 1 } as const;
    const [all, active] = await Promise.all([
      api.call('runs:query', base),
      api.call('runs:query', { ...base, status: [...ACTIVE_STATUSES] }),
    ]);
    if (disposed || request !== latestRequest || !all.ok || !active.ok) return;
    counts.value = { all: all.value.total, active: active.value.total };
  }

  function scheduleRequery(): void {
    clearTimeout(requeryTimer);
    requeryTimer = setTimeout(() => void load(), requeryMs);
  }

  /** Every run the current filter matches (all pages), for "select all". */
  async function matchingIds(): Promise<number[] | AppError> {
    const found: number[] = [];
    const limit = 2000;
    for (let offset = 0; ; offset += limit) {
      const result = await api.call('runs:query', { ...query.value, offset, limit });
      if (!result.ok) return result.error;
      found.push(...result.value.runs.map((run) => run.id));
      if (result.value.runs.length < limit || found.length >= result.value.total) return found;
    }
  }

  watch(
    () => state.value.text,
    (text) => {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        if (sentText.value === text) return;
        sentText.value = text;
        state.value = { ...state.value, page: 0 };
      }, debounceMs);
    },
  );
  watch(
    () => JSON.stringify(query.value),
    () => void load(),
    { immediate: true },
  );

  useApiEvent(
    'run:status',
    (run) => {
      if (!shownStatus.has(run.id) || shownStatus.get(run.id) !== run.status) scheduleRequery();
    },
    api,
  );
  useApiEvent('run:deleted', () => scheduleRequery(), api);
  useReconnect(() => void load(), api);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
      clearTimeout(typingTimer);
      clearTimeout(requeryTimer);
    });
  }

  return {
    state,
    query,
    rows,
    ids,
    total,
    counts,
    pageCount,
    isLoading,
    hasLoaded,
    error,
    load,
    matchingIds,
  };
}
