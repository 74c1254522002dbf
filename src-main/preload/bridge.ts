import { CALL_CHANNELS, EVENT_CHANNELS, isCallChannel, isEventChannel } from '@shared/api/channels';
import type { PreloadBridge } from '@shared/api/contract';

/** The part of Electron's `ipcRenderer` the bridge uses; never exposed to the page itself. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The preload's allow-lists: the contract's channels and nothing else. */
export const PRELOAD_CALL_CHANNELS: readonly string[] = CALL_CHANNELS;
export const PRELOAD_EVENT_CHANNELS: readonly string[] = EVENT_CHANNELS;

/**
 * The narrow object the page sees as `window.decorbench`: invoke an allowed call, listen to an
 * allowed event. Channels outside the contract are refused here, before any IPC happens.
 */
export function createBridge(ipcRenderer: IpcRendererLike): PreloadBridge {
  return Object.freeze({
    invoke(channel: string, input: unknown): Promise<unknown> {
      if (!isCallChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'unknown-call', message: `Unknown call "${channel}"` },
        });
      }
      return ipcRenderer.invoke(channel, input);
    },
    on(channel: string, listener: (payload: unknown) => void): () => void {
      if (!isEventChannel(channel)) throw new Error(`Unknown event "${channel}"`);
      // Drop the IpcRendererEvent: it carries `sender`, which must not reach the page.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => void ipcRenderer.removeListener(channel, wrapped);
    },
  });
}
