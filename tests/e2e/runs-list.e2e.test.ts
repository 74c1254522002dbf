import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type LossName } from '@shared/config/run-config';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { RunStore } from '../../src-main/storage/store';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, openBrowser, SCREENSHOTS } from '../helpers/browser';
import { serveWorkbench, testWorkbench, tinyConfig } from '../helpers/workbench';

const LOSSES: LossName[] = ['bt', 'fft-bt', 'vicreg', 'fft-vicreg'];

/**
 * Writes `count` runs straight through the store's repositories (no worker): names, losses,
 * statuses and results vary like a real history, every third run is tagged. Returns the ids.
 */
function seedRuns(store: RunStore, count: number, startMs = Date.now() - count * 60_000): number[] {
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const lossName = LOSSES[index % LOSSES.length]!;
    const seed = (index % 3) + 1;
    const config = runConfigSchema.parse(
      tinyConfig({ name: `${lossName} lr${index % 7} seed-${seed}`, loss: { name: lossName } }),
    );
    const { id } = store.runs.create(config, startMs + index * 60_000);
    ids.push(id);
    if (index % 5 === 4) continue; // left `created`
    const endedAt = startMs + index * 60_000 + 30_000 + index * 10;
    store.runs.setStatus(id, {
      status: index % 11 === 3 ? 'failed' : 'completed',
      startedAt: startMs + index * 60_000,
      endedAt,
    });
    store.runs.mergeResults(id, { loss: 10 + (index % 13) * 0.37, knnTop1: 0.5 + ((index * 7) % 40) / 100 });
    if (index % 3 === 0)
      store.runQueries.update(id, { tags: [`seed-${seed}`, lossName.startsWith('fft') ? 'fft' : 'exact'] });
  }
  return ids;
}

/** The names of the rows shown, top to bottom. */
const rowNames = (page: Page) => page.getByTestId('run-name').allTextContents();
const rowIds = async (page: Page) =>
  (
    await page
      .getByTestId('run-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')))
  ).map(Number);

describe('the Runs page in Debian Chromium against serve mode', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    folder = e2eFolder('runs-');
    ({ context, page, errors: pageErrors } = await openBrowser(join(folder, 'profile')));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('filters, sorts, selects a Shift-click range, edits tags and opens Compare with the ids', async () => {
    workbench = testWorkbench(join(folder, 'e2e.sqlite'));
    seedRuns(workbench.store, 8);
    host = await serveWorkbench(workbench);
    await page.goto(host.url);
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(8);
    expect(await page.getByTestId('runs-count').textContent()).toContain('8 runs');

    // Filter (free text), then a tag word; the URL keeps it.
    await page.getByTestId('runs-filter').fill('fft');
    await expect
      .poll(() => rowNames(page))
      .toEqual(['fft-vicreg lr0 seed-2', 'fft-bt lr5 seed-3', 'fft-vicreg lr3 seed-1', 'fft-bt lr1 seed-2']);
    expect(page.url()).toContain('q=fft');
    await page.getByTestId('runs-filter').fill('');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(8);

    // Sort by name, A to Z, then Z to A.
    await page.getByTestId('sort-name').click();
    const ascending = [...(await rowNames(page))];
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
    await page.getByTestId('sort-name').click();
    await expect.poll(() => rowNames(page)).toEqual([...ascending].reverse());

    // A plain click on row 2, Shift-click on row 5: rows 2 to 5 are ticked.
    const shown = await rowIds(page);
    const boxes = page.getByTestId('run-select');
    await boxes.nth(1).click();
    await boxes.nth(4).click({ modifiers: ['Shift'] });
    const picked = shown.slice(1, 5);
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toContain('Compare (4)');
    expect(await page.locator('tr.selected').count()).toBe(4);

    // Tag one of them in the inline editor; the tag shows, is stored and can be filtered by.
    const edited = picked[0]!;
    await page.locator(`[data-testid="run-row"][data-run-id="${edited}"] [data-testid="run-edit"]`).click();
    await page.locator('[name="run-tags"]').fill('baseline, sweep-a');
    await page.locator('[name="run-notes"]').fill('the reference run for the sweep');
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-editor-1440.png') });
    await page.setViewportSize({ width: 760, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-editor-760.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('metadata-save').click();
    const editedRow = page.locator(`[data-testid="run-row"][data-run-id="${edited}"]`);
    await expect
      .poll(() => editedRow.getByTestId('run-tag').allTextContents())
      .toEqual(['baseline', 'sweep-a']);
    expect(workbench.store.runs.summary(edited)).toMatchObject({
      tags: ['baseline', 'sweep-a'],
      notes: 'the reference run for the sweep',
    });
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-1440.png'), fullPage: true });
    await page.setViewportSize({ width: 760, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-760.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    await editedRow.getByTestId('run-tag').first().click();
    await expect.poll(() => rowIds(page)).toEqual([edited]);
    expect(await page.getByTestId('runs-filter').inputValue()).toBe('tag:baseline');
    // The selection outlives the filter.
    expect(await page.getByTestId('compare-selected').textContent()).toContain('Compare (4)');
    expect(pageErrors).toEqual([]);

    await page.getByTestId('compare-selected').click();
    await expect.poll(() => page.url()).toContain('#/compare?runs=');
    expect(new URL(page.url().replace('#', '')).searchParams.get('runs')).toBe(
      [...picked].sort((a, b) => a - b).join(','),
    );
    // Back on the list, the filter (from the URL) and the ticks are as they were.
    await page.goBack();
    await expect.poll(() => rowIds(page)).toEqual([edited]);
    expect(await page.getByTestId('compare-selected').textContent()).toContain('Compare (4)');
  });

  it('lists, opens and deletes saved comparisons', async () => {
    const [first, second] = workbench.store.runs.list().map((run) => run.id);
    const saved = await workbench.dispatch('comparisons:save', {
      name: 'bt vs fft-bt',
      state: { runIds: [first, second], xAxis: 'epoch' },
    });
    expect(saved.ok).toBe(true);
    await page.goto(`${host.url}#/runs`);
    await page.reload(); // a hash change alone would keep the page (and its list) as it was
    const item = page.getByTestId('saved-comparison');
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.getByRole('link').getAttribute('href')).toMatch(/#\/compare\?runs=\d+,\d+&x=epoch$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-saved.png') });
    await item.getByTestId('saved-comparison-delete').click();
    await item.getByTestId('saved-comparison-delete-confirm').click();
    await expect.poll(() => page.getByTestId('saved-comparisons').count()).toBe(0);
    expect(workbench.store.comparisons.list()).toEqual([]);
  });
});

describe('the Runs page with 1,000 runs', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;

  beforeAll(() => {
    folder = e2eFolder('1000-');
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('loads, filters, sorts and selects all matching runs quickly (performance marks)', async () => {
    workbench = testWorkbench(join(folder, 'many.sqlite'));
    workbench.store.database.transaction(() => seedRuns(workbench.store, 1000))();
    host = await serveWorkbench(workbench);
    let page: Page;
    ({ context, page } = await openBrowser(join(folder, 'profile')));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#/runs`);
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 15_000 }).toBe(50);
    await expect
      .poll(() => page.evaluate(() => performance.getEntriesByName('runs-page:rendered').length))
      .toBe(1);
    /** The newest measure of `name` (ms). */
    const measured = (name: string) =>
      page.evaluate((entry) => performance.getEntriesByName(entry).at(-1)!.duration, name);
    const timings = {
      listCallMs: await measured('runs-list-call'),
      listShownMs: await measured('runs-list-shown'),
      firstRenderMs: await page.evaluate(
        () => performance.getEntriesByName('runs-page:rendered')[0]!.startTime,
      ),
      filterCallMs: 0,
      filterShownMs: 0,
      sortCallMs: 0,
      sortShownMs: 0,
    };

    // Typing a filter: the page is asked once typing pauses (250 ms), then shown.
    const shownCount = () => page.evaluate(() => performance.getEntriesByName('runs-list-shown').length);
    let before = await shownCount();
    await page.getByTestId('runs-filter').pressSequentially('fft-bt seed-2', { delay: 30 });
    await expect.poll(() => page.getByTestId('runs-range').textContent()).toBe('1–50 of 84');
    await expect.poll(shownCount).toBeGreaterThan(before);
    expect(await page.getByTestId('runs-count').textContent()).toBe('1,000 runs · 84 matching');
    timings.filterCallMs = await measured('runs-list-call');
    timings.filterShownMs = await measured('runs-list-shown');

    before = await shownCount();
    await page.getByTestId('sort-knnTop1').click();
    await expect.poll(shownCount).toBeGreaterThan(before);
    const knn = await page.getByTestId('run-knn').allTextContents();
    expect(knn.map(parseFloat)).toEqual([...knn.map(parseFloat)].sort((a, b) => b - a));
    timings.sortCallMs = await measured('runs-list-call');
    timings.sortShownMs = await measured('runs-list-shown');

    await page.getByTestId('select-matching').click();
    await expect.poll(() => page.getByTestId('compare-selected').textContent()).toContain('Compare (84)');
    await page.screenshot({ path: join(SCREENSHOTS, 'runs-list-1000.png') });

    writeFileSync(join(SCREENSHOTS, 'runs-list-1000.json'), JSON.stringify(timings, null, 2));
    console.log('Runs page with 1,000 runs:', timings);
    // Loose bounds for a loaded 2-core machine; the figures themselves go to the report.
    expect(timings.listCallMs).toBeLessThan(1000);
    expect(timings.filterShownMs).toBeLessThan(1000);
    expect(timings.firstRenderMs).toBeLessThan(5000);
  });
});
