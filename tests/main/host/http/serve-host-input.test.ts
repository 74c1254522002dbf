import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../../../src-main/host/http/request-body';
import { send } from '../../../helpers/http-client';
import { ROOT } from '../../../helpers/workbench';
import { useServeHost } from './serve-fixture';

const RENDERER_DIR = join(ROOT, 'out/renderer');
const TOKEN = 'a-long-enough-test-token';

describe('serve mode: malformed and hostile requests get clear 4xx answers', () => {
  const { sockets, start: startHost } = useServeHost();

  async function start(options: { token?: string } = {}): Promise<number> {
    return (await startHost(options)).port;
  }

  const list = (port: number, headers: Record<string, string>) =>
    send(port, '/api/call/runs:list', {
      body: '{}',
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('answers 400 to malformed percent-encoding in a page path, without logging a stack', async () => {
    const port = await start();
    const logged = vi.spyOn(console, 'error');
    expect((await send(port, '/%zz')).status).toBe(400);
    expect((await send(port, '/assets/%E0%A4%A')).status).toBe(400);
    expect((await send(port, '/%00')).status).toBe(400);
    expect((await send(port, '/%41')).status).toBe(200); // "/A": an unknown path gets the page
    expect(logged).not.toHaveBeenCalled();
  });

  it('accepts application/json in any case and with a UTF-8 charset, and nothing else', async () => {
    const port = await start();
    for (const type of [
      'application/json',
      'APPLICATION/JSON',
      'Application/Json; charset=UTF-8',
      'application/json;charset="utf-8"',
    ]) {
      expect((await list(port, { 'content-type': type })).status, type).toBe(200);
    }
    for (const type of [
      'application/jsonx',
      'application/json-patch+json',
      'application/json; charset=latin1',
      'application/json garbage',
      'application/json; charset',
      'text/plain',
    ]) {
      expect((await list(port, { 'content-type': type })).status, type).toBe(415);
    }
  });

  it('takes the Bearer scheme in any case, and only a well-formed Authorization header', async () => {
    const port = await start({ token: TOKEN });
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER ${TOKEN}`, `Bearer \t${TOKEN}`]) {
      expect((await list(port, { authorization: header })).status, header).toBe(200);
    }
    for (const header of [`Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, `Bearer${TOKEN}`, 'Bearer ']) {
      expect((await list(port, { authorization: header })).status, header).toBe(401);
    }
  });

  it('compares the Origin exactly: scheme, host and port', async () => {
    const port = await start();
    expect((await list(port, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await list(port, { origin: `http://localhost:${port}` })).status).toBe(200);
    for (const origin of [
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `http://127.0.0.1:${port}/path`,
      `http://user@127.0.0.1:${port}`,
      'http://127.0.0.1',
      'null',
    ]) {
      expect((await list(port, { origin })).status, origin).toBe(401);
    }
  });

  it('with a token, serves the page only to the printed address, then by an HttpOnly cookie', async () => {
    const { host, port } = await startHost({ token: TOKEN });
    const script = readdirSync(join(RENDERER_DIR, 'assets')).find((name) => name.endsWith('.js'))!;
    expect((await send(port, '/')).status).toBe(401);
    expect((await send(port, `/assets/${script}`)).status).toBe(401);
    expect((await send(port, '/?token=wrong-token-of-same-size')).status).toBe(401);

    const page = await send(port, new URL(host.url).pathname + new URL(host.url).search);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(
      new RegExp(`^decorbench_token_${port}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict$`),
    );
    const pair = cookie.split(';')[0]!;
    // What the page then loads without the query: its scripts, and the page again on reload.
    expect((await send(port, `/assets/${script}`, { headers: { cookie: `other=1; ${pair}` } })).status).toBe(
      200,
    );
    expect((await send(port, '/', { headers: { cookie: pair } })).status).toBe(200);
    expect(
      (await send(port, '/', { headers: { cookie: `decorbench_token_${port}=wrong-token-of-same-size` } }))
        .status,
    ).toBe(401);
    // The cookie never opens the API: another site's form would send it too.
    expect((await list(port, { cookie: pair })).status).toBe(401);
  });

  it('without a token (loopback), serves the page and sets no cookie', async () => {
    const port = await start();
    const page = await send(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('bounds request bodies: size (declared or streamed) and JSON nesting', async () => {
    const port = await start();
    const big = `{"name":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
    const declared = await send(port, '/api/call/runs:list', { body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.message).toMatch(/larger than 1048576 bytes/);

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/call/runs:list', method: 'POST' }, (res) =>
        resolve(res.statusCode!),
      );
      req.setHeader('content-type', 'application/json');
      req.on('error', reject);
      // No Content-Length: Node sends it chunked, so the size is only known while reading.
      for (let i = 0; i < 40; i++) req.write(' '.repeat(64 * 1024));
      req.end('{}');
    });
    expect(streamed).toBe(413);

    const deep = await send(port, '/api/call/runs:list', {
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).error.message).toMatch(/nests deeper than 32 levels/);
    // Brackets inside strings are text, not nesting.
    const quoted = await send(port, '/api/call/runs:list', { body: { note: '[[[['.repeat(100) } });
    expect(quoted.status).not.toBe(500);
    expect(JSON.parse(quoted.body).error?.message ?? '').not.toMatch(/nests deeper/);
  });

  it('limits how many event streams may be open at once', async () => {
    const port = await start();
    const open = (): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
        );
        sockets.push(socket);
        socket.once('data', (chunk) => resolve(chunk.toString().split('\r\n')[0]!));
      });
    const answers = await Promise.all(Array.from({ length: 64 }, open));
    expect(answers.every((line) => line === 'HTTP/1.1 200 OK')).toBe(true);
    expect(await open()).toBe('HTTP/1.1 503 Service Unavailable');
  });
});
