import { describe, expect, it, vi } from 'vitest';
import type { PreloadBridge } from '@shared/api/contract';
import { createIpcTransport } from '../../src-renderer/api/ipc-transport';

function fakeBridge(reply: (channel: string, input: unknown) => Promise<unknown>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: PreloadBridge = {
    invoke: vi.fn(reply),
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) =>
    listeners.get(channel)?.forEach((listener) => listener(payload));
  return { bridge, emit, listeners };
}

describe('the IPC transport', () => {
  it('passes calls to the bridge and returns its Result', async () => {
    const { bridge } = fakeBridge(async () => ({ ok: true, value: { runId: 4 } }));
    const transport = createIpcTransport(bridge);
    expect(await transport.call('runs:delete', { runId: 4 })).toEqual({ ok: true, value: { runId: 4 } });
    expect(bridge.invoke).toHaveBeenCalledWith('runs:delete', { runId: 4 });
  });

  it('turns a rejected invoke or a malformed reply into error data', async () => {
    const rejected = createIpcTransport(fakeBridge(async () => Promise.reject(new Error('gone'))).bridge);
    expect(await rejected.call('system:info', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'gone' },
    });
    const malformed = createIpcTransport(fakeBridge(async () => 'nope').bridge);
    const result = await malformed.call('system:info', {});
    expect(result.ok === false && result.error.code).toBe('internal');
  });

  it('subscribes through the bridge and unsubscribes everything on close', () => {
    const { bridge, emit, listeners } = fakeBridge(async () => null);
    const transport = createIpcTransport(bridge);
    const received: unknown[] = [];
    transport.subscribe('run:progress', (payload) => received.push(payload));
    emit('run:progress', { runId: 1 });
    expect(received).toEqual([{ runId: 1 }]);
    transport.close();
    expect(listeners.get('run:progress')?.size).toBe(0);
    expect(transport.connectionState).toBe('open');
  });
});
