import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedComparison } from '@shared/compare';
import type { RunSummary } from '@shared/runs';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, SCREENSHOTS, serveInBrowser } from '../helpers/browser';
import { testWorkbench, tinyConfig, trainToCompletion as train } from '../helpers/workbench';

describe('the Compare page in Debian Chromium against serve mode', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const runIds: number[] = [];

  beforeAll(async () => {
    folder = e2eFolder('compare-');
    workbench = testWorkbench(join(folder, 'compare.sqlite'));
    ({ host, context, page, errors: pageErrors } = await serveInBrowser(workbench, folder));
    await page.setViewportSize({ width: 1440, height: 900 });
    // Two seeds of one configuration and one other loss.
    const training = { epochs: 1, batchSize: 64, maxSteps: 24 };
    runIds.push(await train(workbench, tinyConfig({ name: 'bt seed 1', seed: 1, training })));
    runIds.push(await train(workbench, tinyConfig({ name: 'bt seed 2', seed: 2, training })));
    runIds.push(
      await train(
        workbench,
        tinyConfig({ name: 'vicreg seed 1', seed: 1, loss: { name: 'vicreg' }, training }),
      ),
    );
  }, 400_000);

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  const chart = (metric: string) => page.locator(`[data-testid="compare-chart"][data-metric="${metric}"]`);
  const query = () => new URL(page.url().replace('#/', '')).searchParams;

  it('selects the three runs on the Runs page and opens Compare: one line per run on each chart', async () => {
    await page.goto(`${host.url}#/runs`);
    await expect.poll(() => page.getByTestId('run-select').count(), { timeout: 15_000 }).toBe(3);
    await page.getByTestId('select-page').check();
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toContain('Compare (3)');
    await page.getByTestId('compare-selected').click();
    await expect.poll(() => query().get('runs')).toBe([...runIds].sort((a, b) => a - b).join(','));
    await expect.poll(() => chart('loss').getAttribute('data-lines'), { timeout: 15_000 }).toBe('3');
    await expect.poll(() => chart('loss').locator('canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="compare-summary"] tbody tr').count()).toBe(3);
    await expect.poll(() => page.locator('[data-testid="compare-legend"] li').count()).toBe(3);
    // The loss differs between the runs: the config diff shows it (and the seed), differences only.
    const diff = page.getByTestId('compare-config-diff');
    await expect.poll(() => diff.locator('tr[data-path="loss.name"]').count()).toBe(1);
    await expect.poll(() => diff.locator('tr[data-path="seed"]').count()).toBe(1);
    expect(await diff.locator('tr[data-path="training.batchSize"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-runs.png'), fullPage: true });
  });

  it('switches the x-axis and the smoothing, kept in the URL', async () => {
    await page.getByTestId('compare-x-axis').selectOption('wallTime');
    await expect.poll(() => query().get('x')).toBe('wallTime');
    await expect
      .poll(() => chart('loss').getAttribute('data-x-title'))
      .toMatch(/^training time \((s|min|h)\)$/);
    await page.getByTestId('compare-smoothing').fill('0.8');
    await expect.poll(() => query().get('smooth')).toBe('0.8');
    await expect.poll(() => chart('loss').getAttribute('data-smoothing')).toBe('0.8');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-smoothed.png'), fullPage: true });
  });

  it('groups the seeds by the differing field, and a reload keeps it', async () => {
    await page.locator('[data-testid="compare-group-by"] button[data-field="loss.name"]').click();
    await expect.poll(() => query().get('group')).toBe('loss.name');
    await expect.poll(() => page.getByTestId('compare-group-row').count()).toBe(2);
    await expect.poll(() => chart('loss').getAttribute('data-lines')).toBe('2');
    await expect.poll(() => page.locator('[data-testid="compare-legend"] li').count()).toBe(2);
    await page.getByTestId('compare-band').selectOption('std');
    await expect.poll(() => query().get('band')).toBe('std');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-grouped.png'), fullPage: true });

    await page.reload();
    await expect.poll(() => page.getByTestId('compare-group-row').count(), { timeout: 15_000 }).toBe(2);
    expect(await page.getByTestId('compare-x-axis').inputValue()).toBe('wallTime');
    expect(await page.getByTestId('compare-smoothing').inputValue()).toBe('0.8');
  });

  it('saves the comparison under a name', async () => {
    await page.locator('[data-testid="compare-save"] input').fill('bt vs vicreg over seeds');
    await page.locator('[data-testid="compare-save"] button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('compare-save-message').textContent()).toContain('Saved');
    const saved = await workbench.dispatch('comparisons:list', {});
    const list = (saved.ok ? saved.value : []) as SavedComparison[];
    expect(list.map((item) => [item.name, item.state.runIds, item.state.groupBy])).toEqual([
      ['bt vs vicreg over seeds', runIds, ['loss.name']],
    ]);
  });

  it('zooms every chart together and asks for the visible steps; exports charts and tables', async () => {
    const charts = page.getByTestId('compare-charts');
    const box = (await chart('loss').locator('canvas').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await page.keyboard.down('Shift');
    for (let index = 0; index < 4; index += 1) await page.mouse.wheel(0, -200);
    await page.keyboard.up('Shift');
    // One window for every chart (the zoom is connected), refetched once the wheel has stopped.
    await expect
      .poll(() => charts.getAttribute('data-step-window'), { timeout: 10_000 })
      .toMatch(/^\d+-\d+$/);
    await expect.poll(() => charts.getAttribute('data-loading')).toBe('false');
    const window = (await charts.getAttribute('data-step-window'))!.split('-').map(Number);
    expect(window[1]! - window[0]!).toBeLessThan(16);
    // The kNN evaluations (sent whole, not reduced) still cross the window: both groups keep a line.
    expect(await chart('knn/top1').getAttribute('data-lines')).toBe('2');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-zoomed.png'), fullPage: true });

    const saved = async (button: ReturnType<Page['locator']>) => {
      const download = page.waitForEvent('download');
      await button.click();
      return (await download).suggestedFilename();
    };
    expect(await saved(chart('loss').getByRole('button', { name: 'PNG' }))).toBe('compare-loss.png');
    expect(await saved(chart('loss').getByRole('button', { name: 'SVG' }))).toBe('compare-loss.svg');
    expect(await saved(page.getByTestId('compare-export-summary'))).toBe('compare-summary.csv');
    expect(await saved(page.getByTestId('compare-export-series'))).toBe('compare-series.csv');
  });

  it('says what a run that has not logged anything yet lacks', async () => {
    const created = await workbench.dispatch('runs:create', { config: tinyConfig({ name: 'not started' }) });
    if (!created.ok) throw new Error(created.error.message);
    await page.goto(
      `${host.url}#/compare?runs=${[...runIds, (created.value as RunSummary).id].join(',')}&metrics=loss,knn/top1`,
    );
    await expect
      .poll(() => page.getByTestId('compare-chart-missing').first().textContent(), { timeout: 15_000 })
      .toContain('1 of 4 runs');
    await page.screenshot({ path: join(SCREENSHOTS, 'compare-not-started.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
