import type { CallChannel, EventChannel } from '@shared/api/channels';
import type { CallInput, CallOutputs, EventPayloads, PreloadBridge } from '@shared/api/contract';
import type { Result } from '@shared/errors';
import { failure, toResult, type RendererTransport } from './transport';

/**
 * Transport over the Electron preload bridge (`window.decorbench`). The bridge already
 * returns `Result` data; a rejected invoke (e.g. the main process is shutting down)
 * becomes an `unavailable` error instead of an exception.
 */
export function createIpcTransport(bridge: PreloadBridge): RendererTransport {
  const unsubscribers = new Set<() => void>();

  return {
    kind: 'ipc',
    connectionState: 'open',

    async call<C extends CallChannel>(channel: C, input: CallInput<C>): Promise<Result<CallOutputs[C]>> {
      try {
        return toResult<CallOutputs[C]>(await bridge.invoke(channel, input));
      } catch (error) {
        return failure('unavailable', error instanceof Error ? error.message : String(error));
      }
    },

    subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void {
      const off = bridge.on(channel, (payload) => listener(payload as EventPayloads[E]));
      const unsubscribe = () => {
        if (unsubscribers.delete(unsubscribe)) off();
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    // IPC cannot drop events while the window lives, so there is nothing to report.
    onConnectionState: () => () => undefined,
    onReconnect: () => () => undefined,

    close() {
      for (const unsubscribe of [...unsubscribers]) unsubscribe();
    },
  };
}

/** True when `value` looks like the object the preload exposes. */
export function isPreloadBridge(value: unknown): value is PreloadBridge {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PreloadBridge).invoke === 'function' &&
    typeof (value as PreloadBridge).on === 'function'
  );
}
