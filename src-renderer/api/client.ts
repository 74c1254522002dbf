import { inject, shallowRef, type InjectionKey, type Ref } from 'vue';
import type { ApiTransport } from '@shared/api/contract';
import type { ConnectionState, RendererTransport } from './transport';

/** The renderer's handle on the backend: the transport's calls and events plus reactive connection state. */
export interface ApiClient {
  readonly kind: RendererTransport['kind'];
  /** State of the event stream, for the status bar. */
  readonly connection: Readonly<Ref<ConnectionState>>;
  readonly call: ApiTransport['call'];
  readonly subscribe: ApiTransport['subscribe'];
  /** Called after the event stream came back; refetch what is shown. */
  readonly onReconnect: RendererTransport['onReconnect'];
  readonly close: () => void;
}

export const API_CLIENT_KEY: InjectionKey<ApiClient> = Symbol('api-client');

export function createApiClient(transport: RendererTransport): ApiClient {
  const connection = shallowRef<ConnectionState>(transport.connectionState);
  transport.onConnectionState((state) => {
    connection.value = state;
  });
  return {
    kind: transport.kind,
    connection,
    call: (channel, input) => transport.call(channel, input),
    subscribe: (channel, listener) => transport.subscribe(channel, listener),
    onReconnect: (listener) => transport.onReconnect(listener),
    close: () => transport.close(),
  };
}

/** The client provided by `app.provide(API_CLIENT_KEY, ...)` in main.ts (works in setup stores too). */
export function useApi(): ApiClient {
  const client = inject(API_CLIENT_KEY, null);
  if (!client) throw new Error('useApi() needs an ApiClient provided under API_CLIENT_KEY');
  return client;
}
