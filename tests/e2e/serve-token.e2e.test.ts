import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import { parseRunConfig } from '../../src-main/services/runs.service';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, openBrowser, serveInBrowser } from '../helpers/browser';
import { testWorkbench, tinyConfig } from '../helpers/workbench';

const TOKEN = 'e2e-access-token-0123456789';

describe('a serve host with an access token, in Debian Chromium', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    folder = e2eFolder('token-');
    workbench = testWorkbench(join(folder, 'e2e.sqlite'));
    workbench.store.runs.create(parseRunConfig({ name: 'listed before' }));
    ({ host, context, page, errors: pageErrors } = await serveInBrowser(workbench, folder, { token: TOKEN }));
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('the printed address opens the app: its files load by the cookie, calls and events carry the token', async () => {
    expect(host.url).toContain(`?token=${TOKEN}`);
    await page.goto(host.url);
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    // A run created now reaches the page over the event stream.
    await workbench.dispatch('runs:create', { config: tinyConfig({ name: 'created live' }) });
    await expect.poll(() => page.getByText('created live').count()).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    expect(await page.getByTestId('error-notice').count()).toBe(0);
    expect(pageErrors).toEqual([]);

    const port = new URL(host.url).port;
    const cookie = (await context.cookies()).find((each) => each.name === `decorbench_token_${port}`);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('without the token, a new browser profile gets a page that says what to open', async () => {
    const other = await openBrowser(join(folder, 'profile-without-token'));
    try {
      const response = await other.page.goto(`http://127.0.0.1:${new URL(host.url).port}/`);
      expect(response?.status()).toBe(401);
      expect(await other.page.textContent('body')).toContain('open the address with ?token=');
    } finally {
      await other.context.close();
    }
  });
});
