import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServeHost, type ServeHost } from '../../../src-main/host/http/serve-host';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { ROOT, testWorkbench, tinyConfig } from '../../helpers/workbench';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so tests can send any Host, Origin or token. */
function send(
  port: number,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Collects SSE events for a while. */
function listen(
  port: number,
  path: string,
  durationMs: number,
  trigger: () => Promise<unknown>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      void trigger();
      setTimeout(() => {
        req.destroy();
        resolve(text);
      }, durationMs);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve mode: HTTP + Server-Sent Events host', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  let host: ServeHost | undefined;
  afterEach(async () => {
    await host?.close();
    await workbench?.close();
  });

  async function start(options: { host?: string; token?: string } = {}) {
    workbench = testWorkbench(join(tempDir(), 'serve.sqlite'));
    host = await startServeHost({ workbench, rendererDir: join(ROOT, 'out/renderer'), port: 0, ...options });
    return (host.server.address() as { port: number }).port;
  }

  it('answers calls with Result JSON and pushes events over SSE', async () => {
    const port = await start();
    expect(host!.url).toBe(`http://127.0.0.1:${port}/`);
    const events = await listen(port, '/api/events', 400, () =>
      send(port, '/api/call/runs:create', { body: { config: tinyConfig({ name: 'over http' }) } }),
    );
    expect(events).toMatch(/event: run:status\ndata: \{"id":1,"name":"over http"/);
    const list = await send(port, '/api/call/runs:list', { body: {} });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toMatchObject({
      ok: true,
      value: [{ id: 1, name: 'over http', status: 'created' }],
    });
  });

  it('maps error codes to HTTP statuses and keeps the error as data', async () => {
    const port = await start();
    const missing = await send(port, '/api/call/runs:get', { body: { runId: 42 } });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'Run 42 does not exist' },
    });
    const invalid = await send(port, '/api/call/runs:create', {
      body: { config: { name: '', loss: { name: 'fft-bt', q: 5 } } },
    });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.fields).toMatchObject({
      name: 'Give the run a name',
      'loss.q': 'q must be 1 or 2',
    });
    expect((await send(port, '/api/call/runs:nope', { body: {} })).status).toBe(404);
    const textBody = await send(port, '/api/call/runs:list', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
    });
    expect(textBody.status).toBe(415);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign origins', async () => {
    const port = await start();
    expect(
      (await send(port, '/api/call/runs:list', { body: {}, headers: { host: `evil.example:${port}` } }))
        .status,
    ).toBe(403);
    expect((await send(port, '/', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect(
      (await send(port, '/api/call/runs:list', { body: {}, headers: { host: `localhost:${port}` } })).status,
    ).toBe(200);
    const crossSite = await send(port, '/api/call/runs:list', {
      body: {},
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(401);
  });

  it('requires the access token on every API request when one is set', async () => {
    const token = 'a-long-enough-test-token';
    const port = await start({ token });
    expect(host!.url).toContain(`?token=${token}`);
    expect((await send(port, '/api/call/runs:list', { body: {} })).status).toBe(401);
    expect(
      (
        await send(port, '/api/call/runs:list', {
          body: {},
          headers: { authorization: 'Bearer wrong-token-xxxxxxxx' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await send(port, '/api/call/runs:list', { body: {}, headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);
    expect((await send(port, '/api/events')).status).toBe(401);
    const events = await listen(port, `/api/events?token=${token}`, 100, async () => {});
    expect(events).toContain('retry: 2000');
  });

  it('generates a token when bound to a non-loopback interface', async () => {
    const port = await start({ host: '0.0.0.0' });
    expect(host!.token).toMatch(/^[\w-]{32}$/);
    expect((await send(port, '/api/call/runs:list', { body: {} })).status).toBe(401);
  });

  it('serves the built renderer with a Content-Security-Policy', async () => {
    const port = await start();
    const page = await send(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<div id="app">');
    expect((await send(port, '/../../package.json')).body).not.toContain('"name": "decorbench"');
  });
});
