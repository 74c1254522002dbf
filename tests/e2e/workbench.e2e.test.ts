import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, SCREENSHOTS, serveInBrowser } from '../helpers/browser';
import { testWorkbench } from '../helpers/workbench';

describe('the workbench in Debian Chromium against serve mode', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    folder = e2eFolder('');
    workbench = testWorkbench(join(folder, 'e2e.sqlite'));
    ({ host, context, page, errors: pageErrors } = await serveInBrowser(workbench, folder));
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('shows per-field messages from the shared schema', async () => {
    await page.goto(host.url);
    await page.getByTestId('nav-new-run').click();
    const lambda = page.locator('[name="loss.lambda"]');
    await lambda.fill('-1');
    await lambda.blur();
    await expect
      .poll(() => page.locator('[data-testid="field-error"][data-field="loss.lambda"]').count())
      .toBe(1);
    await lambda.fill('0.0051');
    await lambda.blur();
    await expect
      .poll(() => page.locator('[data-testid="field-error"][data-field="loss.lambda"]').count())
      .toBe(0);
  });

  it('creates and starts a run through the UI, shows its progress, completion and loss chart', async () => {
    await page.goto(host.url);
    await page.getByTestId('nav-new-run').click();
    await page.locator('[name="name"]').fill('e2e run');
    await page.locator('[name="backend"]').selectOption('wasm');
    await page.locator('[name="model.backbone"]').selectOption('mlp');
    await page.locator('[name="dataset.trainLimit"]').fill('2048');
    await page.locator('[name="model.projectorOutputDim"]').fill('64');
    await page.locator('[name="training.batchSize"]').fill('64');
    await page.locator('[name="training.maxSteps"]').fill('60');
    await page.getByTestId('submit-run').click();

    // The run page, live: progress moves before the run completes.
    const status = page.getByTestId('run-status');
    await status.waitFor({ timeout: 15_000 });
    const progress = page.getByTestId('run-progress').first();
    await expect
      .poll(async () => Number(await progress.getAttribute('aria-valuenow')), {
        timeout: 30_000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-live.png') });
    await expect
      .poll(() => status.getAttribute('data-status'), { timeout: 90_000, interval: 250 })
      .toBe('completed');

    const chart = page.getByTestId('metric-chart').first();
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-completed.png'), fullPage: true });

    const runs = workbench.store.runs.list();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'e2e run', status: 'completed', backend: 'wasm' });
    expect(workbench.store.metrics.series(runs[0]!.id, 'loss').steps).toHaveLength(60);

    await page.getByTestId('nav-runs').click();
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runs[0]!.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    await page.screenshot({ path: join(SCREENSHOTS, 'runs.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
