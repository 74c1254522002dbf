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

/** `name:port`, lower-cased, with HTTP's default port written out (a Host header may omit `:80`). */
function withPort(host: string): string {
  const lower = host.toLowerCase();
  return /:\d+$/.test(lower) ? lower : `${lower}:80`;
}

export function hostAllowed(request: IncomingMessage, allowed: Set<string>): boolean {
  const host = request.headers.host;
  return host !== undefined && allowed.has(withPort(host));
}

/**
 * A cross-site page may send requests but never with our Origin: refuse foreign origins.
 * Scheme, host and port must all be ours: this server speaks plain http, so an `https://` origin
 * on our host and port is another site (e.g. a TLS proxy in front of some other page).
 */
export function originAllowed(request: IncomingMessage, allowed: Set<string>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // Includes "null", sent by sandboxed frames and file: pages.
  }
  // An Origin is exactly scheme://host[:port]; anything more (a path, credentials) is not one.
  if (url.protocol !== 'http:' || url.origin !== origin.toLowerCase()) return false;
  return allowed.has(withPort(url.host));
}

/** The value of a `Content-Type` (or similar) header: type/subtype lower-cased, and its parameters. */
export interface MediaType {
  type: string;
  parameters: Map<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})[ \\t]*(.*)$`, 's');
const PARAMETER = new RegExp(`^;[ \\t]*(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*")[ \\t]*`, 's');

/** Parses a media type as RFC 9110 section 8.3.1 writes it; undefined when malformed. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  const match = header === undefined ? null : MEDIA_TYPE.exec(header.trim());
  if (!match) return undefined;
  const parameters = new Map<string, string>();
  let rest = match[3]!;
  while (rest.length > 0) {
    const parameter = PARAMETER.exec(rest);
    if (!parameter) return undefined;
    const raw = parameter[2]!;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/gs, '$1') : raw;
    parameters.set(parameter[1]!.toLowerCase(), value);
    rest = rest.slice(parameter[0].length);
  }
  return { type: `${match[1]}/${match[2]}`.toLowerCase(), parameters };
}

/** `application/json`, in any case, with no charset or UTF-8 (the only one JSON allows, RFC 8259). */
export function isJsonMediaType(header: string | undefined): boolean {
  const media = parseMediaType(header);
  if (media?.type !== 'application/json') return false;
  const charset = media.parameters.get('charset');
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

function sameToken(given: string, token: string): boolean {
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The token of `Authorization: Bearer T` (the scheme in any case, RFC 9110 section 11.1), else null. */
function bearerToken(header: string): string | null {
  return /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? null;
}

/**
 * The token from `Authorization: Bearer T` or, for EventSource which cannot set headers, `?token=T`.
 * The API never accepts the page's cookie: a cookie rides along with requests other sites make.
 */
export function tokenAccepted(request: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true;
  const header = request.headers.authorization;
  const given = header !== undefined ? bearerToken(header) : url.searchParams.get('token');
  return given !== null && sameToken(given, token);
}

/** Cookies are shared by every port of a host: one name per port keeps two serve hosts apart. */
export function pageCookieName(port: number): string {
  return `decorbench_token_${port}`;
}

function cookie(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/**
 * Whether a request for the page and its files may be answered. The address the host prints
 * carries `?token=T` once; the page's answer then sets an HttpOnly, SameSite=Strict cookie, so the
 * scripts and styles it loads (which carry no query) and later reloads pass. `setCookie` is the
 * header to send when the token came in the address.
 */
export function pageAccess(
  request: IncomingMessage,
  url: URL,
  token: string | undefined,
  port: number,
): { allowed: boolean; setCookie?: string } {
  if (!token) return { allowed: true };
  const name = pageCookieName(port);
  // Encoded, since a --token may hold characters a cookie value cannot (";", spaces).
  const value = encodeURIComponent(token);
  const fromCookie = cookie(request, name);
  if (fromCookie !== null && sameToken(fromCookie, value)) return { allowed: true };
  if (!tokenAccepted(request, url, token)) return { allowed: false };
  return { allowed: true, setCookie: `${name}=${value}; Path=/; HttpOnly; SameSite=Strict` };
}
