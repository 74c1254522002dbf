import { CALL_CHANNELS, EVENT_CHANNELS, type EventChannel } from '@shared/api/channels';
import type { Dispatch } from '../../services/dispatch';
import type { EventBus } from '../../services/event-bus';

/** The part of Electron's `ipcMain` used here, typed structurally so tests need no Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, input: unknown) => Promise<unknown>): void;
}

export interface IpcInvokeEventLike {
  /** Electron's WebFrameMain: `parent` is null for a window's top frame. */
  senderFrame?: { url: string; parent?: unknown } | null;
}

/**
 * Registers exactly one handler per call of the contract. Every handler validates its input
 * (through `dispatch`) and answers with a `Result`, so errors keep their code and message.
 * Calls from frames other than our own renderer are refused.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  isTrustedSender: (event: IpcInvokeEventLike) => boolean,
): readonly string[] {
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, async (event, input) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'unauthorized', message: 'This frame may not call Decorbench' } };
      }
      return dispatch(channel, input);
    });
  }
  return CALL_CHANNELS;
}

/** Forwards every pushed event of the contract to the renderer(s) through `send`. */
export function forwardEvents(
  events: EventBus,
  send: (channel: EventChannel, payload: unknown) => void,
): () => void {
  return events.subscribe((channel, payload) => {
    if ((EVENT_CHANNELS as readonly string[]).includes(channel)) send(channel, payload);
  });
}
