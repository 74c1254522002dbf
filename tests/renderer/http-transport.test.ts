import { describe, expect, it, vi } from 'vitest';
import { createHttpTransport, type EventSourceLike } from '../../src-renderer/api/http-transport';
import { readAccessToken, selectTransport } from '../../src-renderer/api/select-transport';

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  fire(type: string, data?: unknown): void {
    if (type === 'open') this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}

function recorder() {
  const sources: FakeEventSource[] = [];
  const open = (url: string) => {
    const source = new FakeEventSource(url);
    sources.push(source);
    return source;
  };
  return { sources, open };
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('the HTTP transport', () => {
  it('posts the input as JSON with the bearer token and returns the Result body', async () => {
    const fetch = vi.fn(async (..._args: Parameters<typeof globalThis.fetch>) =>
      jsonResponse({ ok: true, value: [] }),
    );
    const transport = createHttpTransport({ token: 'T 1', fetch });
    const result = await transport.call('runs:list', {});
    expect(result).toEqual({ ok: true, value: [] });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/call/runs:list');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{}');
    expect(init?.headers).toMatchObject({ 'Content-Type': 'application/json', Authorization: 'Bearer T 1' });
  });

  it('reads error results from the body whatever the HTTP status', async () => {
    const error = {
      code: 'invalid-input',
      message: 'Invalid run config',
      fields: { name: 'Give the run a name' },
    };
    const transport = createHttpTransport({ fetch: async () => jsonResponse({ ok: false, error }, 400) });
    expect(await transport.call('runs:create', { config: {} })).toEqual({ ok: false, error });
  });

  it('turns network failures and bodies that are not a Result into error data', async () => {
    const down = createHttpTransport({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const offline = await down.call('system:info', {});
    expect(offline.ok === false && offline.error.code).toBe('unavailable');

    const proxy = createHttpTransport({
      fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }),
    });
    const gateway = await proxy.call('system:info', {});
    expect(gateway.ok === false && gateway.error.code).toBe('unavailable');

    const odd = createHttpTransport({ fetch: async () => jsonResponse({ hello: 1 }) });
    const malformed = await odd.call('system:info', {});
    expect(malformed.ok === false && malformed.error.code).toBe('internal');
  });

  it('opens one event stream (with the token) and dispatches parsed payloads by channel', () => {
    const { sources, open } = recorder();
    const transport = createHttpTransport({ token: 'secret', openEventSource: (url) => open(url) });
    const statuses: unknown[] = [];
    const logs: unknown[] = [];
    transport.subscribe('run:status', (payload) => statuses.push(payload));
    const stopLogs = transport.subscribe('run:log', (payload) => logs.push(payload));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/events?token=secret');

    sources[0]!.fire('open');
    sources[0]!.fire('run:status', JSON.stringify({ id: 3 }));
    sources[0]!.fire('run:log', 'not json');
    stopLogs();
    sources[0]!.fire('run:log', JSON.stringify({ runId: 3, lines: [] }));
    expect(statuses).toEqual([{ id: 3 }]);
    expect(logs).toEqual([]);
    expect(transport.connectionState).toBe('open');
  });

  it('reopens a stream the browser gave up on and reports the reconnection', async () => {
    vi.useFakeTimers();
    try {
      const { sources, open } = recorder();
      const transport = createHttpTransport({ retryDelayMs: 100, openEventSource: (url) => open(url) });
      const reconnects = vi.fn();
      const states: string[] = [];
      transport.onReconnect(reconnects);
      transport.onConnectionState((state) => states.push(state));
      sources[0]!.fire('open');
      expect(reconnects).not.toHaveBeenCalled();

      // A network error: the browser retries by itself (readyState stays CONNECTING).
      sources[0]!.readyState = 0;
      sources[0]!.fire('error');
      sources[0]!.fire('open');
      expect(reconnects).toHaveBeenCalledTimes(1);

      // An HTTP error closes the stream for good: the transport opens a new one after a delay.
      sources[0]!.readyState = 2;
      sources[0]!.fire('error');
      expect(sources[0]!.closed).toBe(true);
      await vi.advanceTimersByTimeAsync(100);
      expect(sources).toHaveLength(2);
      sources[1]!.fire('open');
      expect(reconnects).toHaveBeenCalledTimes(2);
      expect(states).toEqual(['open', 'reconnecting', 'open', 'reconnecting', 'open']);
      transport.close();
      expect(sources[1]!.closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('choosing the transport', () => {
  it('reads the access token from the query string', () => {
    expect(readAccessToken('?token=abc%2Bd')).toBe('abc+d');
    expect(readAccessToken('?token=')).toBeNull();
    expect(readAccessToken('')).toBeNull();
  });

  it('uses the preload bridge in Electron, HTTP when served, nothing from a bare file', () => {
    const bridge = { invoke: async () => ({ ok: true, value: null }), on: () => () => undefined };
    expect(selectTransport({ location: { protocol: 'file:', search: '' }, decorbench: bridge })?.kind).toBe(
      'ipc',
    );
    expect(selectTransport({ location: { protocol: 'http:', search: '?token=x' } })?.kind).toBe('http');
    expect(selectTransport({ location: { protocol: 'file:', search: '' } })).toBeNull();
  });
});
