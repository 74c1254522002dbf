import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers, type IpcMainLike } from '../../../../src-main/host/ipc/ipc-host';
import {
  guardNavigation,
  isRendererUrl,
  isTrustedSender,
} from '../../../../src-main/host/ipc/renderer-guard';
import { createDispatcher } from '../../../../src-main/services/dispatch';
import type { CallHandlers } from '@shared/api/contract';

const BUILT = 'file:///opt/Decorbench/out/renderer/index.html';
const DEV = 'http://localhost:5173';

describe('the Electron renderer check: exact origin and path, not a prefix', () => {
  it('accepts the built page with any #route or query', () => {
    expect(isRendererUrl(`${BUILT}`, BUILT)).toBe(true);
    expect(isRendererUrl(`${BUILT}#/runs/3`, BUILT)).toBe(true);
    expect(isRendererUrl(`${BUILT}?x=1#/`, BUILT)).toBe(true);
  });

  it('refuses files next to it or beyond it that a prefix test let in', () => {
    for (const url of [
      `${BUILT}.evil.html`,
      `${BUILT}x`,
      `${BUILT}/extra`,
      'file:///opt/Decorbench/out/renderer/other.html',
      'file:///opt/Decorbench/out/renderer/index.html/../../../../etc/passwd',
      'file://server/opt/Decorbench/out/renderer/index.html',
      'http://opt/Decorbench/out/renderer/index.html',
      '',
      undefined,
      'not a url',
    ]) {
      expect(isRendererUrl(url, BUILT), String(url)).toBe(false);
    }
  });

  it('accepts the dev server page and refuses look-alike hosts, ports, schemes and paths', () => {
    expect(isRendererUrl('http://localhost:5173/', DEV)).toBe(true);
    expect(isRendererUrl('http://localhost:5173/#/runs', DEV)).toBe(true);
    for (const url of [
      'http://localhost:51730/',
      'http://localhost:5173.evil.example/',
      'https://localhost:5173/',
      'http://localhost:5173/evil.html',
      'http://user:pass@localhost:5173/',
      'http://127.0.0.1:5173/',
    ]) {
      expect(isRendererUrl(url, DEV), url).toBe(false);
    }
  });

  it('answers IPC calls only from the page in the top frame', async () => {
    expect(isTrustedSender({ senderFrame: { url: `${BUILT}#/`, parent: null } }, BUILT)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: `${BUILT}#/`, parent: {} } }, BUILT)).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: `${BUILT}.evil.html`, parent: null } }, BUILT)).toBe(false);
    expect(isTrustedSender({ senderFrame: null }, BUILT)).toBe(false);
    expect(isTrustedSender({}, BUILT)).toBe(false);

    const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
    const dispatch = createDispatcher({ 'system:info': () => 'info' } as unknown as CallHandlers);
    registerIpcHandlers(
      { handle: (channel, listener) => void handlers.set(channel, listener) },
      dispatch,
      (event) => isTrustedSender(event, BUILT),
    );
    const call = handlers.get('system:info')!;
    expect(await call({ senderFrame: { url: BUILT, parent: null } }, {})).toEqual({
      ok: true,
      value: 'info',
    });
    expect(await call({ senderFrame: { url: `${BUILT}.evil.html`, parent: null } }, {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });
});

describe('the window never leaves the renderer page', () => {
  /** Emits a navigation event as webContents does and says whether it was cancelled. */
  function navigate(contents: EventEmitter, event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let cancelled = false;
    contents.emit(event, { preventDefault: () => (cancelled = true) }, url);
    return cancelled;
  }

  it('cancels navigations and redirects to anything but the page itself', () => {
    const contents = new EventEmitter();
    guardNavigation(contents, BUILT);
    expect(navigate(contents, 'will-navigate', `${BUILT}#/runs`)).toBe(false);
    expect(navigate(contents, 'will-redirect', `${BUILT}#/`)).toBe(false);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-redirect', `${BUILT}.evil.html`)).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
  });
});
