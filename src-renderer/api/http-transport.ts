import { EVENT_CHANNELS, type CallChannel, type EventChannel } from '@shared/api/channels';
import type { CallInput, CallOutputs, EventPayloads } from '@shared/api/contract';
import type { ErrorCode, Result } from '@shared/errors';
import { failure, ListenerSet, toResult, type ConnectionState, type RendererTransport } from './transport';

/** The part of the DOM `EventSource` this transport uses (lets tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}

export interface HttpTransportOptions {
  /** Origin and path prefix of the host; default `''` (the page's own origin). */
  baseUrl?: string;
  /** Access token of a serve host bound to another interface; sent as a Bearer token. */
  token?: string | null;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Opens the event stream; default: `new EventSource(url)`. */
  openEventSource?: (url: string) => EventSourceLike;
  /** First delay before reopening a stream the browser gave up on (default 1000 ms, doubled up to 15 s). */
  retryDelayMs?: number;
}

const CLOSED = 2;
const MAX_RETRY_DELAY_MS = 15_000;

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'invalid-input';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  return 'internal';
}

/**
 * Transport for the headless serve host: calls are `POST /api/call/<channel>` whose body is
 * always a `Result`; events arrive over Server-Sent Events from `/api/events`.
 * The browser's EventSource reconnects by itself after a network error, but gives up for good
 * on an HTTP error (e.g. while the host restarts), so a closed stream is reopened here.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): RendererTransport {
  const baseUrl = options.baseUrl ?? '';
  const token = options.token ?? null;
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const openEventSource =
    options.openEventSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
  const firstRetryDelayMs = options.retryDelayMs ?? 1000;

  const channelListeners = new Map<EventChannel, ListenerSet<[unknown]>>();
  const stateListeners = new ListenerSet<[ConnectionState]>();
  const reconnectListeners = new ListenerSet<[]>();
  let source: EventSourceLike | null = null;
  let state: ConnectionState = 'connecting';
  let hasOpened = false;
  let closed = false;
  let retryDelayMs = firstRetryDelayMs;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    stateListeners.emit(next);
  }

  function dispatch(channel: EventChannel, data: unknown): void {
    if (typeof data !== 'string') return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      console.warn(`Ignored a malformed ${channel} event`);
      return;
    }
    channelListeners.get(channel)?.emit(payload);
  }

  function openStream(): void {
    if (closed || source) return;
    const url = `${baseUrl}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const opened = openEventSource(url);
    source = opened;
    opened.addEventListener('open', () => {
      if (source !== opened) return;
      retryDelayMs = firstRetryDelayMs;
      setState('open');
      if (hasOpened) reconnectListeners.emit();
      hasOpened = true;
    });
    opened.addEventListener('error', () => {
      if (source !== opened) return;
      setState(hasOpened ? 'reconnecting' : 'connecting');
      if (opened.readyState !== CLOSED) return; // The browser retries by itself.
      opened.close();
      source = null;
      retryTimer = setTimeout(openStream, retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS);
    });
    for (const channel of EVENT_CHANNELS) {
      opened.addEventListener(channel, (event) => dispatch(channel, event.data));
    }
  }

  return {
    kind: 'http',
    get connectionState() {
      return state;
    },

    async call<C extends CallChannel>(channel: C, input: CallInput<C>): Promise<Result<CallOutputs[C]>> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl}/api/call/${channel}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        return failure(
          'unavailable',
          `Cannot reach the workbench host (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return failure(
          codeForStatus(response.status),
          `The host answered HTTP ${response.status} without a result`,
        );
      }
      return toResult<CallOutputs[C]>(body);
    },

    subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void {
      let listeners = channelListeners.get(channel);
      if (!listeners) {
        listeners = new ListenerSet<[unknown]>();
        channelListeners.set(channel, listeners);
      }
      const off = listeners.add((payload) => listener(payload as EventPayloads[E]));
      openStream();
      return off;
    },

    onConnectionState(listener) {
      openStream();
      return stateListeners.add(listener);
    },

    onReconnect(listener) {
      openStream();
      return reconnectListeners.add(listener);
    },

    close() {
      closed = true;
      clearTimeout(retryTimer);
      source?.close();
      source = null;
      channelListeners.clear();
      stateListeners.clear();
      reconnectListeners.clear();
    },
  };
}
