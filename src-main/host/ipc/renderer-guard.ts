import type { IpcInvokeEventLike } from './ipc-host';

/**
 * Whether `url` is the renderer's own page, `rendererUrl` (the built index.html as a file: URL,
 * or the dev server's address): the same scheme, host, port and path, with no credentials. Only
 * the query and the `#/route` of the hash router may differ. A prefix test would also let in
 * `file:///…/index.html.evil.html`, `http://localhost:51730` or `http://localhost:5173.evil.example`.
 */
export function isRendererUrl(url: string | undefined, rendererUrl: string): boolean {
  if (!url) return false;
  let actual: URL;
  try {
    actual = new URL(url);
  } catch {
    return false;
  }
  const own = new URL(rendererUrl);
  return (
    actual.protocol === own.protocol &&
    actual.host === own.host &&
    actual.pathname === own.pathname &&
    actual.username === '' &&
    actual.password === ''
  );
}

/** IPC calls are answered only for the renderer's page in the window's top frame, never a subframe. */
export function isTrustedSender(event: IpcInvokeEventLike, rendererUrl: string): boolean {
  const frame = event.senderFrame;
  return !!frame && !frame.parent && isRendererUrl(frame.url, rendererUrl);
}

/** The part of Electron's `webContents` the guards use, typed structurally so tests need no Electron. */
export interface NavigatingContentsLike {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
}

/**
 * The window only ever shows the renderer's page: a link or script that navigates it elsewhere
 * (`will-navigate`), and a server redirect on the way (`will-redirect`, which `will-navigate` does
 * not see), are cancelled. Links meant for the browser go through the window-open handler.
 */
export function guardNavigation(contents: NavigatingContentsLike, rendererUrl: string): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isRendererUrl(url, rendererUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
}
