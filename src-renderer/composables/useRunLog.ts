import { getCurrentScope, onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import type { LogLine } from '@shared/runs';
import { useApi, type ApiClient } from '../api/client';
import { lastLogId, mergeLogLines } from '../domain/log-lines';
import { useApiEvent, useReconnect } from './useApiEvent';

export interface UseRunLogOptions {
  /** Lines kept in memory, newest last. Default 5000. */
  maxLines?: number;
  api?: ApiClient;
}

const PAGE_SIZE = 1000;
/** Stop paging after this many pages; the newest lines still arrive as events. */
const MAX_PAGES = 50;

/** A run's log: stored lines (`runs:logs`, paged) followed live by `run:log` events. */
export function useRunLog(runId: MaybeRefOrGetter<number | null>, options: UseRunLogOptions = {}) {
  const api = options.api ?? useApi();
  const maxLines = options.maxLines ?? 5000;
  const lines = shallowRef<LogLine[]>([]);
  const isLoading = ref(false);
  const error = shallowRef<AppError | null>(null);
  let generation = 0;

  /** Fetches every stored line after the last one shown. */
  async function load(): Promise<void> {
    const id = toValue(runId);
    if (id === null) return;
    const request = generation;
    isLoading.value = true;
    // Page from our own cursor: lines pushed meanwhile may lie beyond lines not fetched yet.
    let afterId = lastLogId(lines.value);
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await api.call('runs:logs', { runId: id, afterId, limit: PAGE_SIZE });
      if (request !== generation) return;
      if (!result.ok) {
        error.value = result.error;
        break;
      }
      error.value = null;
      lines.value = mergeLogLines(lines.value, result.value, maxLines);
      afterId = lastLogId(result.value) || afterId;
      if (result.value.length < PAGE_SIZE) break;
    }
    isLoading.value = false;
  }

  watch(
    () => toValue(runId),
    () => {
      generation += 1;
      lines.value = [];
      error.value = null;
      void load();
    },
    { immediate: true },
  );

  useApiEvent(
    'run:log',
    (payload) => {
      if (payload.runId === toValue(runId)) lines.value = mergeLogLines(lines.value, payload.lines, maxLines);
    },
    api,
  );
  useReconnect(() => void load(), api);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      generation += 1;
    });
  }

  return { lines, isLoading, error, reload: load };
}
