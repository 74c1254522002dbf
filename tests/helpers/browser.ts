import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { ServeHost, ServeHostOptions } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { ROOT, serveWorkbench, testWorkbench } from './workbench';

/** Debian's Chromium, as on these machines (override with CHROMIUM_PATH). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of the end-to-end tests, to look at. */
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');
/** No background traffic: this machine's network is closed and Chromium would keep trying. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a fresh profile in `profileDir`; page errors are collected in `errors`. */
export async function openBrowser(
  profileDir: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1360, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** A fresh temporary folder for one end-to-end suite: its database and browser profile. */
export function e2eFolder(name: string): string {
  return mkdtempSync(join(tmpdir(), `decorbench-e2e-${name}`));
}

/**
 * Serves `workbench` and opens a fresh browser profile in `folder`. Should the browser not start,
 * the host is closed before the error goes on, as the suite's teardown would not know of it.
 */
export async function serveInBrowser(
  workbench: Workbench,
  folder: string,
  options: Partial<Omit<ServeHostOptions, 'workbench'>> = {},
): Promise<{ host: ServeHost; context: BrowserContext; page: Page; errors: string[] }> {
  const host = await serveWorkbench(workbench, options);
  try {
    return { host, ...(await openBrowser(join(folder, 'profile'))) };
  } catch (error) {
    await host.close();
    throw error;
  }
}

/**
 * An end-to-end suite's teardown: whatever of these it started, browser first (it holds the event
 * stream open), then the host, then the workbench and its workers; the folder last.
 */
export async function closeE2e(parts: {
  context?: BrowserContext;
  host?: ServeHost;
  workbench?: Workbench;
  folder?: string;
}): Promise<void> {
  await parts.context?.close();
  await parts.host?.close();
  await parts.workbench?.close();
  if (parts.folder) rmSync(parts.folder, { recursive: true, force: true });
}

/** What an end-to-end suite works with; serveWorkbenchSuite fills it in before the suite's tests. */
export interface E2eSuite {
  folder: string;
  workbench: Workbench;
  host: ServeHost;
  context: BrowserContext;
  page: Page;
  /** The page's errors and console errors: a suite expects none at its end. */
  errors: string[];
}

/**
 * The usual set-up and teardown of a suite, as hooks (call it inside `describe`): a fresh folder, a
 * test workbench with its database there, served, and Chromium on it (at `viewport` if given);
 * closeE2e after the suite.
 */
export function serveWorkbenchSuite(name: string, viewport?: { width: number; height: number }): E2eSuite {
  const suite = {} as E2eSuite;
  beforeAll(async () => {
    suite.folder = e2eFolder(name);
    suite.workbench = testWorkbench(join(suite.folder, 'e2e.sqlite'));
    Object.assign(suite, await serveInBrowser(suite.workbench, suite.folder));
    if (viewport) await suite.page.setViewportSize(viewport);
  });
  afterAll(() => closeE2e(suite));
  return suite;
}
