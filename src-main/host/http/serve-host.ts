import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode, Result } from '@shared/errors';
import type { Workbench } from '../../services/workbench';
import { allowedHosts, hostAllowed, isLoopback, originAllowed, tokenAccepted } from './security';
import { serveStatic } from './static-files';

export interface ServeHostOptions {
  workbench: Workbench;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required (generated if absent) when binding to anything but loopback. */
  token?: string;
}

export interface ServeHost {
  server: Server;
  /** The address to open, with `?token=` when a token is in force. */
  url: string;
  token: string | undefined;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const HEARTBEAT_MS = 15_000;

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  'unknown-call': 404,
  unavailable: 503,
  internal: 500,
};

function sendResult(response: ServerResponse, result: Result<unknown>): void {
  const status = result.ok ? 200 : STATUS_BY_CODE[result.error.code];
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(result));
}

function fail(response: ServerResponse, code: ErrorCode, message: string): void {
  sendResult(response, { ok: false, error: { code, message } });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('The request body is larger than 1 MiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? {} : JSON.parse(text);
}

/**
 * Headless host: serves the built renderer and the same API as the Electron IPC host, calls as
 * `POST /api/call/<channel>` and events as Server-Sent Events on `GET /api/events`.
 */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const { workbench, rendererDir } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? (isLoopback(bindHost) ? undefined : randomBytes(24).toString('base64url'));
  const streams = new Set<ServerResponse>();
  let allowed = new Set<string>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!hostAllowed(request, allowed)) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: unexpected Host header');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405).end();
      return serveStatic(rendererDir, url.pathname, response);
    }
    if (!originAllowed(request, allowed))
      return fail(response, 'unauthorized', 'Requests from other origins are refused');
    if (!tokenAccepted(request, url, token))
      return fail(response, 'unauthorized', 'A valid access token is required');
    if (url.pathname === '/api/events' && request.method === 'GET') return openEventStream(response);
    const match = /^\/api\/call\/([a-z]+:[a-z]+)$/.exec(url.pathname);
    if (!match || request.method !== 'POST')
      return fail(response, 'unknown-call', `No API endpoint ${request.method} ${url.pathname}`);
    if (!request.headers['content-type']?.startsWith('application/json')) {
      return fail(response, 'invalid-input', 'Send the call input as application/json');
    }
    let input: unknown;
    try {
      input = await readJson(request);
    } catch (error) {
      return fail(response, 'invalid-input', `Unreadable request body: ${(error as Error).message}`);
    }
    sendResult(response, await workbench.dispatch(match[1]!, input));
  };

  const openEventStream = (response: ServerResponse) => {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    streams.add(response);
    const unsubscribe = workbench.events.subscribe((channel, payload) => {
      response.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(response);
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) fail(response, 'internal', 'Internal server error');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowed = allowedHosts(bindHost, port);
  const shownHost =
    bindHost === '0.0.0.0' || bindHost === '::'
      ? '127.0.0.1'
      : bindHost.includes(':')
        ? `[${bindHost}]`
        : bindHost;
  const url = `http://${shownHost}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return {
    server,
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
