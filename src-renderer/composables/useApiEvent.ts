import { getCurrentScope, onScopeDispose } from 'vue';
import type { EventChannel } from '@shared/api/channels';
import type { EventPayloads } from '@shared/api/contract';
import { useApi, type ApiClient } from '../api/client';

function disposeWithScope(stop: () => void): void {
  if (getCurrentScope()) onScopeDispose(stop);
}

/** Listens to a pushed event for as long as the calling component or store lives. */
export function useApiEvent<E extends EventChannel>(
  channel: E,
  listener: (payload: EventPayloads[E]) => void,
  api: ApiClient = useApi(),
): () => void {
  const stop = api.subscribe(channel, listener);
  disposeWithScope(stop);
  return stop;
}

/** Runs `callback` after the event stream reconnects (events may have been missed meanwhile). */
export function useReconnect(callback: () => void, api: ApiClient = useApi()): () => void {
  const stop = api.onReconnect(callback);
  disposeWithScope(stop);
  return stop;
}
