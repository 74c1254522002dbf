import { getCurrentScope, onScopeDispose, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { CallInput } from '@shared/api/contract';
import type { AppError } from '@shared/errors';
import { decodeMatrixCells, type MatrixImage } from '../domain/inspect-image';
import { useApi, type ApiClient } from '../api/client';
import { useApiEvent, useReconnect } from './useApiEvent';

export type MatrixRequest = CallInput<'inspect:matrix'>;

export interface UseInspectMatrixOptions {
  /**
   * A changed request waits this long for the next change before it is sent, so a wheel zoom
   * or a drag asks once when it stops, not per frame. Default 120 ms; 0 sends at once.
   */
  debounceMs?: number;
  api?: ApiClient;
}

/**
 * One heatmap's values: `inspect:matrix` for the request, decoded once. While a new request
 * loads, `image` keeps the previous one, so the heatmap goes on drawing it (scaled into the new
 * viewport) instead of going blank; a reply to an older request is dropped. `progress` follows
 * the `inspect:progress` events of the snapshot while a slow overview is computed.
 */
export function useInspectMatrix(
  request: MaybeRefOrGetter<MatrixRequest | null>,
  options: UseInspectMatrixOptions = {},
) {
  const api = options.api ?? useApi();
  const debounceMs = options.debounceMs ?? 120;
  const image = shallowRef<MatrixImage | null>(null);
  /** The request `image` answers (null before the first answer). */
  const imageRequest = shallowRef<MatrixRequest | null>(null);
  const isLoading = ref(false);
  const error = shallowRef<AppError | null>(null);
  const progress = shallowRef<{ done: number; total: number } | null>(null);
  /** Milliseconds the service took for the shown image (0: from its cache). */
  const computeMs = ref<number | null>(null);
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let loadingSnapshot: number | null = null;

  async function load(): Promise<void> {
    const input = toValue(request);
    const current = ++generation;
    if (input === null) {
      image.value = null;
      imageRequest.value = null;
      isLoading.value = false;
      return;
    }
    isLoading.value = true;
    progress.value = null;
    loadingSnapshot = input.snapshotId;
    const result = await api.call('inspect:matrix', input);
    if (current !== generation) return;
    isLoading.value = false;
    progress.value = null;
    loadingSnapshot = null;
    if (result.ok) {
      image.value = decodeMatrixCells(result.value);
      imageRequest.value = input;
      computeMs.value = result.value.computeMs;
      error.value = null;
    } else {
      error.value = result.error;
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    // The first answer (and a cleared request) goes out at once; only changes are debounced.
    if (debounceMs <= 0 || imageRequest.value === null) void load();
    else {
      isLoading.value = true;
      timer = setTimeout(() => void load(), debounceMs);
    }
  }

  watch(() => JSON.stringify(toValue(request)), schedule, { immediate: true });
  useApiEvent(
    'inspect:progress',
    (event) => {
      if (isLoading.value && event.snapshotId === loadingSnapshot)
        progress.value = { done: event.done, total: event.total };
    },
    api,
  );
  useReconnect(() => void load(), api);
  if (getCurrentScope())
    onScopeDispose(() => {
      clearTimeout(timer);
      generation += 1;
    });
  return { image, imageRequest, isLoading, error, progress, computeMs, reload: load };
}
