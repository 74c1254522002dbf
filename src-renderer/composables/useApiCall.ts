import {
  getCurrentScope,
  onScopeDispose,
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
  type Ref,
  type ShallowRef,
} from 'vue';
import type { CallChannel } from '@shared/api/channels';
import type { CallInput, CallOutputs } from '@shared/api/contract';
import type { AppError, Result } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { useReconnect } from './useApiEvent';

export interface UseApiCallOptions {
  /** Call as soon as the composable is created and whenever the input changes. Default `true`. */
  immediate?: boolean;
  /** Call again after the event stream reconnects. Default `true`. */
  refetchOnReconnect?: boolean;
  /** Keep the previous input's data while a new input loads. Default `false`. */
  keepPreviousData?: boolean;
  /** Default: the injected client. */
  api?: ApiClient;
}

export interface UseApiCallReturn<C extends CallChannel> {
  data: ShallowRef<CallOutputs[C] | undefined>;
  error: ShallowRef<AppError | null>;
  isLoading: Ref<boolean>;
  /** Calls now; resolves to null when the input is null or a newer call superseded this one. */
  execute: () => Promise<Result<CallOutputs[C]> | null>;
}

/**
 * One backend call as reactive state. A reply that arrives after a newer call started
 * (or after the owner was disposed) is dropped, so a slow answer never overwrites a newer one.
 * A `null` input means "nothing to ask yet".
 */
export function useApiCall<C extends CallChannel>(
  channel: C,
  input: MaybeRefOrGetter<CallInput<C> | null>,
  options: UseApiCallOptions = {},
): UseApiCallReturn<C> {
  const { immediate = true, refetchOnReconnect = true, keepPreviousData = false } = options;
  const api = options.api ?? useApi();
  const data = shallowRef<CallOutputs[C] | undefined>();
  const error = shallowRef<AppError | null>(null);
  const isLoading = ref(false);
  let latestRequest = 0;
  let disposed = false;

  async function execute(): Promise<Result<CallOutputs[C]> | null> {
    const request = ++latestRequest;
    const value = toValue(input);
    if (value === null) {
      isLoading.value = false;
      return null;
    }
    isLoading.value = true;
    const result = await api.call(channel, value);
    if (disposed || request !== latestRequest) return null;
    isLoading.value = false;
    if (result.ok) {
      data.value = result.value;
      error.value = null;
    } else {
      error.value = result.error;
    }
    return result;
  }

  if (immediate) {
    // Compare by content so a getter that builds a fresh object each time does not refetch.
    watch(
      () => JSON.stringify(toValue(input)),
      () => {
        if (!keepPreviousData) data.value = undefined;
        error.value = null;
        void execute();
      },
      { immediate: true },
    );
  }
  if (refetchOnReconnect) useReconnect(() => void execute(), api);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
    });
  }
  return { data, error, isLoading, execute };
}
