import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** Loopback names a browser may use for a server bound to 127.0.0.1. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/**
 * The Host header values this server answers to. Anything else is refused, which defeats DNS
 * rebinding (a foreign name resolving to our address carries its own name in Host).
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);
  const names = [...LOOPBACK_NAMES];
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    // A wildcard bind answers on every interface: accept this machine's own names and addresses.
    names.push(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) names.push(bracket(address.address.toLowerCase()));
    }
  } else if (!isLoopback(bindHost)) {
    names.push(bracket(bindHost.toLowerCase()));
  }
  return new Set(names.map((name) => `${name}:${port}`));
}

export function hostAllowed(request: IncomingMessage, allowed: Set<string>): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && allowed.has(host);
}

/** A cross-site page may send requests but never with our Origin: refuse foreign origins. */
export function originAllowed(request: IncomingMessage, allowed: Set<string>): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return allowed.has(new URL(origin).host.toLowerCase());
  } catch {
    return false;
  }
}

/** The token from `Authorization: Bearer T` or, for EventSource which cannot set headers, `?token=T`. */
export function tokenAccepted(request: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true;
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
  if (!given) return false;
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
