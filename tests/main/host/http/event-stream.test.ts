import { request, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { useServeHost } from './serve-fixture';

const LIMIT = 1 << 20;
const EVENT_BYTES = 32 * 1024;
/** Far more than the kernel's socket buffers on loopback (a few MiB each way) can absorb. */
const TOTAL_BYTES = 48 << 20;
const SLOW_CLIENTS = 6;

describe('serve mode: event-stream clients that stop reading', () => {
  const { sockets, start } = useServeHost();

  it('disconnects each stalled client once it holds its bound, while a reading client gets every event', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { workbench, host, port } = await start({
      eventStream: { maxBufferedBytes: LIMIT, heartbeatMs: 60_000 },
    });
    // The server's side of each stream, to watch what it holds for each client.
    const slow: ServerResponse[] = [];
    let fastStream: ServerResponse | undefined;
    host.server.on('request', (req, res: ServerResponse) => {
      if (req.url === '/api/events') slow.push(res);
      if (req.url === '/api/events?reader=fast') fastStream = res;
    });

    // Clients that send the request and then never read a byte.
    for (let i = 0; i < SLOW_CLIENTS; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.pause();
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      sockets.push(socket);
    }
    // And one that reads everything, counting the events.
    let received = 0;
    let fastClosed = false;
    const fast = request({ host: '127.0.0.1', port, path: '/api/events?reader=fast' }, (res) => {
      let pending = '';
      res.on('data', (chunk: Buffer) => {
        const blocks = (pending + chunk.toString()).split('\n\n');
        pending = blocks.pop()!;
        received += blocks.filter((block) => block.startsWith('event: run:log\n')).length;
      });
      res.on('close', () => (fastClosed = true));
    });
    fast.on('error', () => undefined).end();
    await vi.waitFor(() => expect(slow.length === SLOW_CLIENTS && fastStream !== undefined).toBe(true));
    const streams = [...slow, fastStream!];

    const rssBefore = process.memoryUsage().rss;
    let mostHeld = 0;
    const message = 'm'.repeat(EVENT_BYTES);
    const count = TOTAL_BYTES / EVENT_BYTES;
    for (let i = 0; i < count; i++) {
      workbench.events.emit('run:log', {
        runId: 1,
        lines: [{ id: i, runId: 1, timeMs: i, level: 'info', message }],
      });
      for (const stream of streams) mostHeld = Math.max(mostHeld, stream.writableLength);
      // Bursts of 256 KiB, as a training run's metrics come; the reader drains between them
      // (on a loaded machine it may need a few turns of the event loop).
      if (i % 8 === 7) {
        do await sleep(1);
        while (fastStream!.writableLength > LIMIT / 4);
      }
    }
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    await vi.waitFor(() => expect(slow.every((stream) => stream.destroyed)).toBe(true));
    expect(mostHeld).toBeLessThanOrEqual(LIMIT);
    // Unbounded, the six stalled clients held about 6 x 40 MiB here.
    expect(rssGrowth).toBeLessThan(120 << 20);
    await vi.waitFor(() => expect(received).toBe(count));
    expect(fastClosed).toBe(false);
    fast.destroy();
    expect(console.warn).toHaveBeenCalledTimes(SLOW_CLIENTS);
  }, 60_000);
});
