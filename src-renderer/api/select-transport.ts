import { BRIDGE_GLOBAL } from '@shared/api/channels';
import { createHttpTransport } from './http-transport';
import { createIpcTransport, isPreloadBridge } from './ipc-transport';
import type { RendererTransport } from './transport';

/** The parts of `window` the choice depends on. */
export interface PageEnvironment {
  readonly location: { readonly protocol: string; readonly search: string };
  readonly [BRIDGE_GLOBAL]?: unknown;
}

/** The `?token=T` of the page address (before the router's `#`), if any. */
export function readAccessToken(search: string): string | null {
  const token = new URLSearchParams(search).get('token');
  return token && token.length > 0 ? token : null;
}

/**
 * Picks the transport for where the page runs: the preload bridge inside Electron,
 * HTTP + SSE when the page was served over http(s). Returns null when neither exists
 * (e.g. the built page opened from disk in a plain browser).
 */
export function selectTransport(page: PageEnvironment): RendererTransport | null {
  const bridge = page[BRIDGE_GLOBAL];
  if (isPreloadBridge(bridge)) return createIpcTransport(bridge);
  if (page.location.protocol === 'http:' || page.location.protocol === 'https:') {
    return createHttpTransport({ token: readAccessToken(page.location.search) });
  }
  return null;
}
