import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CostStudyDetail, CostStudySummary } from '@shared/cost/types';
import { SCREENSHOTS, serveWorkbenchSuite } from '../helpers/browser';

/**
 * A cost study from the form to its charts, in Debian Chromium against serve mode with real
 * workers: n = 64, d = 64 … 1024, two repeats, on wasm (seconds per point on two cores).
 */
describe('the cost study pages (Chromium, serve mode)', () => {
  const e2e = serveWorkbenchSuite('cost-', { width: 1440, height: 900 });
  let costStudyId = 0;

  const message = (field: string) =>
    e2e.page.locator(`[data-testid="cost-form"] .message[data-field="${field}"]`);

  it('refuses a form with no name and a reversed d range, the messages on their fields', async () => {
    await e2e.page.goto(`${e2e.host.url}#/cost`);
    await e2e.page.getByTestId('cost-studies-page').waitFor({ timeout: 15_000 });
    expect(await e2e.page.getByTestId('nav-cost').getAttribute('aria-current')).toBe('page');
    await e2e.page.getByTestId('cost-dim-from').fill('1024');
    await e2e.page.getByTestId('cost-dim-to').fill('64');
    await e2e.page.getByTestId('cost-start').click();
    await expect.poll(() => message('name').textContent()).toBe('Give the cost study a name');
    expect(await message('dims').textContent()).toBe('The first d is larger than the last');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-form-invalid.png'), fullPage: true });
    const listed = await e2e.workbench.dispatch('cost:list', {});
    expect(listed.ok && listed.value).toEqual([]);
  });

  it('starts a tiny cost study from the form and opens its page, which fills in as points arrive', async () => {
    await e2e.page.getByTestId('cost-name').fill('tiny wasm');
    await e2e.page.getByTestId('cost-dim-from').fill('64');
    await e2e.page.getByTestId('cost-dim-to').fill('1024');
    await e2e.page.getByTestId('cost-n').fill('64');
    await e2e.page.getByTestId('cost-repeats').fill('2');
    await e2e.page.getByTestId('cost-backend').selectOption('wasm');
    await expect.poll(() => message('dims').count()).toBe(0);
    expect(await e2e.page.getByTestId('cost-preview').textContent()).toContain(
      'd = 64 … 1024 (5 values, doubling)',
    );
    await e2e.page.getByTestId('cost-start').click();

    await e2e.page.waitForURL(/#\/cost\/\d+$/u, { timeout: 15_000 });
    costStudyId = Number(/#\/cost\/(\d+)$/u.exec(e2e.page.url())![1]);
    const header = e2e.page.getByTestId('cost-header');
    await expect
      .poll(() => header.getAttribute('data-status'), { timeout: 240_000, interval: 500 })
      .toBe('completed');
    const progress = e2e.page.getByTestId('cost-progress');
    // Four losses (b = d) at five d.
    expect(await progress.getAttribute('data-total')).toBe('20');
    expect(await progress.getAttribute('data-done')).toBe('20');
    expect(await e2e.page.getByTestId('cost-environment').textContent()).toContain('wasm');
  }, 300_000);

  it('draws time and memory against d with a slope per curve, and lists every point', async () => {
    const stored = await e2e.workbench.dispatch('cost:get', { costStudyId });
    const detail = (stored.ok ? stored.value : null) as CostStudyDetail;
    expect(detail.points).toHaveLength(20);
    for (const measure of ['time', 'memory']) {
      const chart = e2e.page.locator(
        `[data-testid="cost-chart"][data-kind="loss"][data-measure="${measure}"]`,
      );
      await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await chart.getAttribute('data-curves')).toBe('4');
      // The legend's slopes are the stored fits'.
      const fitted = detail.fits.filter((fit) => fit.measure === measure && fit.kind === 'loss');
      const slope = (series: string) => fitted.find((fit) => fit.series === series)!.slope.toFixed(2);
      expect((await chart.getAttribute('data-slopes'))!.split(';')).toEqual([
        `BT · slope ${slope('bt')}`,
        `sBT b=d · slope ${slope('fft-bt b=d')}`,
        `VICReg · slope ${slope('vicreg')}`,
        `sVICReg b=d · slope ${slope('fft-vicreg b=d')}`,
      ]);
    }
    const rows = e2e.page.locator('[data-testid="cost-results"] tbody tr');
    expect(await rows.count()).toBe(20);
    expect(await rows.first().getAttribute('data-d')).toBe('64');
    const okRows = await e2e.page.locator('[data-testid="cost-results"] tbody tr[data-status="ok"]').count();
    expect(okRows).toBe(detail.points.filter((point) => point.status === 'ok').length);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-study.png'), fullPage: true });
    expect(e2e.errors).toEqual([]);
  });

  it('lists the study with its machine and progress, and overlays a second study dashed', async () => {
    await e2e.page.getByRole('link', { name: 'Cost studies' }).click();
    const row = e2e.page.locator(`[data-testid="cost-studies"] tr[data-cost-study="${costStudyId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await row.textContent()).toContain('20 / 20 points');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-studies.png'), fullPage: true });

    // A second study (through the API) to overlay, up to a d whose exact loss cannot fit the
    // wasm heap: that point is recorded out of memory, and the relaxed one is still measured.
    const started = await e2e.workbench.dispatch('cost:start', {
      settings: {
        name: 'second',
        losses: ['bt', 'fft-bt'],
        n: 64,
        dims: [64, 128, 256, 32768],
        repeats: 1,
        backend: 'wasm',
      },
    });
    const second = (started.ok ? started.value : null) as CostStudySummary;
    const secondRow = e2e.page.locator(`[data-testid="cost-studies"] tr[data-cost-study="${second.id}"]`);
    await expect.poll(() => secondRow.getAttribute('data-status'), { timeout: 120_000 }).toBe('completed');
    await secondRow.getByRole('link').click();
    const failed = e2e.page.locator('[data-testid="cost-chart"][data-kind="loss"][data-measure="time"]');
    await expect.poll(() => failed.getAttribute('data-failed'), { timeout: 10_000 }).toBe('1');
    expect(await failed.getAttribute('data-points')).toBe('7');
    const oomRow = e2e.page.locator('[data-testid="cost-results"] tr[data-status="oom"]');
    expect(await oomRow.getAttribute('data-d')).toBe('32768');
    expect(await oomRow.textContent()).toContain('out of memory');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-out-of-memory.png'), fullPage: true });

    await e2e.page.goto(`${e2e.host.url}#/cost/${costStudyId}`);
    await e2e.page.getByTestId('cost-overlay-add').selectOption(String(second.id));
    await expect
      .poll(() => new URL(e2e.page.url().replace('#/', '')).searchParams.get('overlay'))
      .toBe(String(second.id));
    const time = e2e.page.locator('[data-testid="cost-chart"][data-kind="loss"][data-measure="time"]');
    await expect.poll(() => time.getAttribute('data-curves')).toBe('6');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-overlay.png'), fullPage: true });
  }, 180_000);

  it('stops a running study from its page, keeping the points measured so far', async () => {
    const started = await e2e.workbench.dispatch('cost:start', {
      settings: {
        name: 'to stop',
        losses: ['bt', 'vicreg'],
        n: 256,
        dims: [256, 512, 1024, 2048, 4096, 8192],
        repeats: 5,
        backend: 'wasm',
      },
    });
    const study = (started.ok ? started.value : null) as CostStudySummary;
    await e2e.page.goto(`${e2e.host.url}#/cost/${study.id}`);
    const header = e2e.page.getByTestId('cost-header');
    const progress = e2e.page.getByTestId('cost-progress');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await header.getAttribute('data-status')).toBe('running');
    await e2e.page.getByTestId('cost-stop').click();
    await e2e.page.getByTestId('cost-stop-confirm').click();
    await expect.poll(() => header.getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    const done = Number(await progress.getAttribute('data-done'));
    expect(done).toBeLessThan(12);
    // The points measured before the stop stay, in the table and the charts.
    await expect.poll(() => e2e.page.locator('[data-testid="cost-results"] tbody tr').count()).toBe(done);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-stopped.png'), fullPage: true });
    await e2e.page.goto(`${e2e.host.url}#/cost/${costStudyId}`);
    await header.waitFor({ timeout: 10_000 });
  }, 60_000);

  it('deletes the study from its page and returns to the list', async () => {
    await e2e.page.getByTestId('cost-delete').click();
    await e2e.page.getByTestId('cost-delete-confirm').click();
    await e2e.page.waitForURL(/#\/cost$/u, { timeout: 10_000 });
    await expect
      .poll(() =>
        e2e.page.locator(`[data-testid="cost-studies"] tr[data-cost-study="${costStudyId}"]`).count(),
      )
      .toBe(0);
    const gone = await e2e.workbench.dispatch('cost:get', { costStudyId });
    expect(gone.ok).toBe(false);
    expect(e2e.errors).toEqual([]);
  });
});
