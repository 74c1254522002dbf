import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS } from '@shared/api/channels';
import type { CallHandlers } from '@shared/api/contract';
import { callInputSchemas } from '@shared/api/schemas';
import { forwardEvents, registerIpcHandlers, type IpcMainLike } from '../../../src-main/host/ipc/ipc-host';
import {
  createBridge,
  PRELOAD_CALL_CHANNELS,
  PRELOAD_EVENT_CHANNELS,
} from '../../../src-main/preload/bridge';
import { createDispatcher } from '../../../src-main/services/dispatch';
import { EventBus } from '../../../src-main/services/event-bus';

function recordingIpcMain() {
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  return { ipcMain, handlers };
}

const okHandlers = Object.fromEntries(
  CALL_CHANNELS.map((channel) => [channel, () => channel]),
) as unknown as CallHandlers;

describe('the IPC surface is exactly the contract', () => {
  it('registered handlers == contract allow-list == preload allow-list == schemas', () => {
    const { ipcMain, handlers } = recordingIpcMain();
    registerIpcHandlers(ipcMain, createDispatcher(okHandlers), () => true);
    const sorted = (list: Iterable<string>) => [...list].sort();
    expect(sorted(handlers.keys())).toEqual(sorted(CALL_CHANNELS));
    expect(sorted(PRELOAD_CALL_CHANNELS)).toEqual(sorted(CALL_CHANNELS));
    expect(sorted(Object.keys(callInputSchemas))).toEqual(sorted(CALL_CHANNELS));
    expect(sorted(PRELOAD_EVENT_CHANNELS)).toEqual(sorted(EVENT_CHANNELS));
  });

  it('the preload forwards only allowed channels and never exposes ipcRenderer', async () => {
    const ipcRenderer = {
      invoke: vi.fn(async (_channel: string, _input?: unknown) => ({ ok: true, value: 1 })),
      on: vi.fn(),
      removeListener: vi.fn(),
    };
    const bridge = createBridge(ipcRenderer);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
    for (const channel of CALL_CHANNELS) await bridge.invoke(channel, {});
    expect(ipcRenderer.invoke.mock.calls.map((call) => call[0])).toEqual([...CALL_CHANNELS]);
    const refused = await bridge.invoke('shell:openExternal', 'https://example.com');
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(CALL_CHANNELS.length);
    expect(() => bridge.on('ipc:raw', () => {})).toThrow(/Unknown event/);
  });

  it('events reach the page without the IPC event object', () => {
    const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
    const ipcRenderer = {
      invoke: vi.fn(),
      on: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) =>
        listeners.set(channel, listener),
      ),
      removeListener: vi.fn(),
    };
    const received: unknown[][] = [];
    const unsubscribe = createBridge(ipcRenderer).on('run:status', (...args) => received.push(args));
    listeners.get('run:status')!({ sender: 'secret' }, { id: 1 });
    expect(received).toEqual([[{ id: 1 }]]);
    unsubscribe();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('run:status', listeners.get('run:status'));
  });

  it('handlers validate input and refuse untrusted frames', async () => {
    const { ipcMain, handlers } = recordingIpcMain();
    registerIpcHandlers(
      ipcMain,
      createDispatcher(okHandlers),
      (event) => event.senderFrame?.url.startsWith('file:///app/') ?? false,
    );
    const own = { senderFrame: { url: 'file:///app/index.html#/runs' } };
    expect(await handlers.get('runs:get')!(own, { runId: 1 })).toEqual({ ok: true, value: 'runs:get' });
    expect(await handlers.get('runs:get')!(own, { runId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const foreign = { senderFrame: { url: 'https://evil.example/' } };
    expect(await handlers.get('runs:get')!(foreign, { runId: 1 })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });

  it('forwards every bus event to the renderer', () => {
    const bus = new EventBus();
    const sent: string[] = [];
    forwardEvents(bus, (channel) => sent.push(channel));
    bus.emit('run:progress', { runId: 1, progress: { step: 1, totalSteps: 2, epoch: 1, totalEpochs: 1 } });
    expect(sent).toEqual(['run:progress']);
  });
});
