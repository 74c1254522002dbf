import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode, Result } from '@shared/errors';
import type { Workbench } from '../../services/workbench';
import { DEFAULT_EVENT_STREAM_LIMITS, openEventStream, type EventStreamLimits } from './event-stream';
import { BodyError, readJsonBody } from './request-body';
import {
  allowedHosts,
  hostAllowed,
  isJsonMediaType,
  isLoopback,
  originAllowed,
  pageAccess,
  tokenAccepted,
} from './security';
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
  /** Per-client bounds of the event stream (tests make them small). */
  eventStream?: EventStreamLimits;
}

export interface ServeHost {
  server: Server;
  /** The address to open, with `?token=` when a token is in force. */
  url: string;
  token: string | undefined;
  close(): Promise<void>;
}

/** Each open stream may hold `maxBufferedBytes`: this bounds what all of them together can hold. */
const MAX_EVENT_STREAMS = 64;

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  'unknown-call': 404,
  unavailable: 503,
  internal: 500,
};

function sendResult(response: ServerResponse, result: Result<unknown>, statusOverride?: number): void {
  const status = statusOverride ?? (result.ok ? 200 : STATUS_BY_CODE[result.error.code]);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(result));
}

function fail(response: ServerResponse, code: ErrorCode, message: string, status?: number): void {
  sendResult(response, { ok: false, error: { code, message } }, status);
}

/**
 * Headless host: serves the built renderer and the same API as the Electron IPC host, calls as
 * `POST /api/call/<channel>` and events as Server-Sent Events on `GET /api/events`.
 */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const { workbench, rendererDir } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? (isLoopback(bindHost) ? undefined : randomBytes(24).toString('base64url'));
  const streams = new Map<ServerResponse, () => void>();
  let allowed = new Set<string>();
  let port = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!hostAllowed(request, allowed)) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden: unexpected Host header');
      return;
    }
    const target = request.url ?? '/';
    // Origin-form only: a path such as `//[x` would parse as a (malformed) host of its own.
    if (!target.startsWith('/')) return fail(response, 'invalid-input', 'Bad request target');
    const url = new URL(`http://local${target}`);
    if (!url.pathname.startsWith('/api/')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405).end();
      const access = pageAccess(request, url, token, port);
      if (!access.allowed) {
        response
          .writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
          .end('This Decorbench host needs its access token: open the address with ?token=... it printed.\n');
        return;
      }
      if (access.setCookie) response.setHeader('Set-Cookie', access.setCookie);
      return serveStatic(rendererDir, url.pathname, response);
    }
    if (!originAllowed(request, allowed))
      return fail(response, 'unauthorized', 'Requests from other origins are refused');
    if (!tokenAccepted(request, url, token))
      return fail(response, 'unauthorized', 'A valid access token is required');
    if (url.pathname === '/api/events' && request.method === 'GET') {
      if (streams.size >= MAX_EVENT_STREAMS)
        return fail(
          response,
          'unavailable',
          `At most ${MAX_EVENT_STREAMS} event streams may be open at once`,
        );
      const end = openEventStream(
        response,
        workbench.events,
        options.eventStream ?? DEFAULT_EVENT_STREAM_LIMITS,
      );
      streams.set(response, end);
      response.on('close', () => streams.delete(response));
      return;
    }
    const match = /^\/api\/call\/([a-z]+:[a-z-]+)$/.exec(url.pathname);
    if (!match || request.method !== 'POST')
      return fail(response, 'unknown-call', `No API endpoint ${request.method} ${url.pathname}`);
    if (!isJsonMediaType(request.headers['content-type'])) {
      return fail(response, 'invalid-input', 'Send the call input as application/json (UTF-8)', 415);
    }
    let input: unknown;
    try {
      input = await readJsonBody(request);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      // The rest of an oversized body is not read: close the connection after answering.
      if (error.status === 413) response.setHeader('Connection', 'close');
      return fail(response, 'invalid-input', error.message, error.status);
    }
    sendResult(response, await workbench.dispatch(match[1]!, input));
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
  port = (server.address() as AddressInfo).port;
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
        for (const end of streams.values()) end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
