import type { ServerResponse } from 'node:http';
import type { EventBus } from '../../services/event-bus';

export interface EventStreamLimits {
  /**
   * Bytes a client may leave unread (Node's buffer of the socket) before it is disconnected.
   * A client that stops reading would otherwise hold every later event in this process's memory.
   */
  maxBufferedBytes: number;
  heartbeatMs: number;
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = {
  // Many seconds of metrics for a live client; a stalled one costs at most this much.
  maxBufferedBytes: 4 << 20,
  heartbeatMs: 15_000,
};

/**
 * Streams the bus's events to one client as Server-Sent Events. A slow consumer is disconnected
 * rather than dropped from silently: its EventSource reconnects and the renderer reloads what it
 * shows on reconnect, so it never keeps a view with holes in it.
 * Returns a function that ends the stream.
 */
export function openEventStream(
  response: ServerResponse,
  events: EventBus,
  limits: EventStreamLimits = DEFAULT_EVENT_STREAM_LIMITS,
): () => void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  response.write('retry: 2000\n\n');
  let open = true;
  const send = (text: string) => {
    if (!open) return;
    if (response.writableLength + text.length > limits.maxBufferedBytes) {
      console.warn(
        `Disconnected an event-stream client that stopped reading (${response.writableLength} bytes unread)`,
      );
      open = false;
      response.destroy();
      return;
    }
    response.write(text);
  };
  const unsubscribe = events.subscribe((channel, payload) => {
    send(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const heartbeat = setInterval(() => send(': keep-alive\n\n'), limits.heartbeatMs);
  response.on('close', () => {
    open = false;
    clearInterval(heartbeat);
    unsubscribe();
  });
  return () => response.end();
}
