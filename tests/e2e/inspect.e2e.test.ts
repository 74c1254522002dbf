import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import type { SnapshotSummary } from '@shared/inspect';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { HEATMAP_MARGIN } from '../../src-renderer/charts/inspect-heatmap-layout';
import { closeE2e, e2eFolder, SCREENSHOTS, serveInBrowser } from '../helpers/browser';
import { testWorkbench, tinyConfig, trainToCompletion as train } from '../helpers/workbench';

/** d = 1024 so the whole matrix is an overview (512 x 512 cells of 2 x 2) and a zoom is exact. */
const D = 1024;
const BLOCK = 64;

function inspectConfig(name: string, loss: RunConfigInput['loss'], snapshots = true): RunConfigInput {
  const base = tinyConfig();
  return tinyConfig({
    name,
    loss,
    model: { ...base.model!, projectorOutputDim: D },
    training: { epochs: 1, batchSize: 64, maxSteps: 16 },
    inspect: { enabled: snapshots, everySteps: 8, probeImages: 128 },
  });
}

describe('the Inspect tab in Debian Chromium against serve mode', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  let relaxed: number;
  let exact: number;
  let plain: number;

  beforeAll(async () => {
    folder = e2eFolder('inspect-');
    workbench = testWorkbench(join(folder, 'inspect.sqlite'));
    ({ host, context, page, errors: pageErrors } = await serveInBrowser(workbench, folder));
    await page.setViewportSize({ width: 1440, height: 1000 });
    relaxed = await train(workbench, inspectConfig('sBT b=64', { name: 'fft-bt', blockSize: BLOCK }));
    exact = await train(workbench, inspectConfig('BT', { name: 'bt' }));
    plain = await train(
      workbench,
      inspectConfig('sBT without snapshots', { name: 'fft-bt', blockSize: BLOCK }, false),
    );
  }, 600_000);

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  const heatmap = (id = 'inspect-heatmap') => page.getByTestId(id);
  const query = () => new URL(page.url().replace('#/', '')).searchParams;
  /** The whole page from the top (scrolled, the sticky app header would cut through it). */
  async function shot(name: string) {
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0),
    );
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  }
  /** The centre of plot cell (row, col) of a heatmap showing `size` x `size` cells, scrolled into view. */
  async function cellCentre(id: string, row: number, col: number, size: number) {
    const canvas = heatmap(id).locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const { left, right, top } = HEATMAP_MARGIN;
    const plot = box.width - left - right;
    return { x: box.x + left + ((col + 0.5) / size) * plot, y: box.y + top + ((row + 0.5) / size) * plot };
  }

  it('opens from the run page: the newest snapshot as a 512 x 512 overview', async () => {
    const listed = await workbench.dispatch('inspect:snapshots', { runId: relaxed });
    const snapshots = (listed.ok ? listed.value : []) as SnapshotSummary[];
    expect(snapshots.map((item) => item.step)).toEqual([0, 8, 16]);
    await page.goto(`${host.url}#/runs/${relaxed}`);
    await page.getByTestId('run-inspect').click();
    await expect.poll(() => page.url()).toContain(`#/runs/${relaxed}/inspect`);
    await expect.poll(() => heatmap().getAttribute('data-region'), { timeout: 60_000 }).toBe(`0-${D}x0-${D}`);
    expect(await heatmap().getAttribute('data-exact')).toBe('false');
    expect(await page.getByTestId('inspect-resolution').textContent()).toContain('512 × 512 cells of 2 × 2');
    expect(await page.getByTestId('inspect-step').textContent()).toContain('16');
    expect(await page.getByTestId('inspect-bytes').textContent()).toMatch(/\d/);
    await expect.poll(() => page.getByTestId('inspect-contributions').count(), { timeout: 60_000 }).toBe(1);
    await shot('inspect-overview.png');
  });

  it('scrubs through the steps with the keys and the slider, and plays', async () => {
    await page.locator('body').press('ArrowLeft');
    await expect.poll(() => query().get('step')).toBe('8');
    await page.getByTestId('inspect-step-slider').fill('0');
    await expect.poll(() => query().get('step')).toBe('0');
    await expect.poll(() => heatmap().getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
    await shot('inspect-step-0.png');
    await page.getByTestId('inspect-play').click();
    await expect.poll(() => page.getByTestId('inspect-scrubber').getAttribute('data-playing')).toBe('true');
    await expect.poll(() => query().get('step'), { timeout: 10_000 }).toBe('16');
    await expect.poll(() => page.getByTestId('inspect-scrubber').getAttribute('data-playing')).toBe('false');
  });

  it('zooms into a region with the wheel: exact values there; panning stays smooth', async () => {
    const centre = await cellCentre('inspect-heatmap', 128, 128, 512);
    await page.mouse.move(centre.x, centre.y);
    for (let index = 0; index < 4; index += 1) await page.mouse.wheel(0, -180);
    await expect.poll(() => query().get('rows'), { timeout: 10_000 }).toMatch(/^\d+-\d+$/);
    await expect.poll(() => heatmap().getAttribute('data-exact'), { timeout: 60_000 }).toBe('true');
    const [start, end] = query().get('rows')!.split('-').map(Number);
    expect(end! - start!).toBeLessThanOrEqual(512);
    await page.mouse.move(centre.x + 20, centre.y + 10);
    await expect.poll(() => heatmap().getByTestId('inspect-readout').textContent()).toContain('exact value');
    await shot('inspect-zoomed.png');

    // Frames while dragging, measured inside the page: one pointer move per animation frame for
    // two seconds (Playwright's own moves arrive only ~25 times a second on two busy cores), counting
    // requestAnimationFrame callbacks and heatmap redraws. (Page globals typed without the DOM library.)
    type Canvas = {
      dataset: Record<string, string>;
      getBoundingClientRect: () => { left: number; top: number; width: number };
      dispatchEvent: (event: unknown) => boolean;
    };
    type PageGlobals = {
      document: { querySelector: (selector: string) => Canvas };
      requestAnimationFrame: (callback: (time: number) => void) => number;
      PointerEvent: new (type: string, init: Record<string, unknown>) => unknown;
    };
    const measured = await page.evaluate(async (margin) => {
      const { document, requestAnimationFrame, PointerEvent } = globalThis as unknown as PageGlobals;
      const canvas = document.querySelector('[data-testid="inspect-heatmap"] canvas');
      const box = canvas.getBoundingClientRect();
      const size = box.width - margin.left - margin.right;
      const x0 = box.left + margin.left + size / 2;
      const y0 = box.top + margin.top + size / 2;
      const pointer = (type: string, x: number, y: number) =>
        canvas.dispatchEvent(
          new PointerEvent(type, {
            clientX: x,
            clientY: y,
            pointerId: 1,
            button: 0,
            buttons: 1,
            bubbles: true,
          }),
        );
      const drawsBefore = Number(canvas.dataset.draws);
      pointer('pointerdown', x0, y0);
      let frames = 0;
      const drawMs: number[] = [];
      let lastDraws = drawsBefore;
      const started = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
      const ended = await new Promise<number>((resolve) => {
        const frame = (time: number) => {
          frames += 1;
          if (Number(canvas.dataset.draws) !== lastDraws) {
            lastDraws = Number(canvas.dataset.draws);
            drawMs.push(Number(canvas.dataset.drawMs));
          }
          const t = (time - started) / 1000;
          pointer('pointermove', x0 - 120 * Math.sin(t * 3), y0 - 90 * Math.cos(t * 2) + 90);
          // Browsers hand pointer moves over just before a frame's callbacks, so the redraw they
          // ask for runs in that frame; queued after Vue's update, this loop's next callback
          // comes after that redraw too, as real input would.
          const next = () => requestAnimationFrame(frame);
          if (time - started < 2000) void Promise.resolve().then(() => Promise.resolve().then(next));
          else resolve(time);
        };
        requestAnimationFrame(frame);
      });
      pointer('pointerup', x0, y0);
      drawMs.sort((a, b) => a - b);
      return {
        seconds: (ended - started) / 1000,
        frames,
        draws: Number(canvas.dataset.draws) - drawsBefore,
        medianDrawMs: drawMs[Math.floor(drawMs.length / 2)] ?? Number.NaN,
      };
    }, HEATMAP_MARGIN);
    const fps = measured.frames / measured.seconds;
    const redraws = measured.draws / measured.seconds;
    console.log(
      `inspect pan (512 x 512 image): ${fps.toFixed(1)} animation frames/s, ${redraws.toFixed(1)} heatmap redraws/s over ${measured.seconds.toFixed(2)} s, median draw ${measured.medianDrawMs} ms`,
    );
    expect(fps).toBeGreaterThan(30);
    expect(redraws).toBeGreaterThan(30);
    await expect.poll(() => heatmap().getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
  });

  it('switches to the permuted order with the block grid', async () => {
    await page.getByRole('button', { name: 'Whole matrix' }).click();
    await expect.poll(() => query().get('rows')).toBeNull();
    await page.locator('[data-testid="inspect-order"] [data-order="blocks"]').click();
    await expect.poll(() => query().get('order')).toBe('blocks');
    await expect.poll(() => heatmap().getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
    expect(await page.getByTestId('inspect-block-size').textContent()).toBe(String(BLOCK));
    await page.getByTestId('inspect-mask').check();
    await expect.poll(() => query().get('mask')).toBe('1');
    await expect.poll(() => heatmap().getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
    await shot('inspect-blocks.png');
    // VICReg's covariance as RMS cells: a sequential scale from 0, limited by the data.
    await page.getByTestId('inspect-view').selectOption('cov1');
    await page.getByTestId('inspect-reduce').selectOption('rms');
    await expect.poll(() => query().get('reduce')).toBe('rms');
    await expect
      .poll(() => heatmap().getAttribute('data-scale'), { timeout: 60_000 })
      .toMatch(/^sequential 0\.\.[\d.e+-]+$/);
    await expect.poll(() => heatmap().getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
    await shot('inspect-cov-rms.png');
    await page.getByTestId('inspect-view').selectOption('cross');
    await page.getByTestId('inspect-reduce').selectOption('extreme');
    await page.getByTestId('inspect-mask').uncheck();
    await expect.poll(() => query().get('mask')).toBeNull();
  });

  it('opens a block pair and highlights the wrapped diagonal of a hovered lag', async () => {
    const groups = D / BLOCK;
    const cell = await cellCentre('inspect-contributions', 1, 2, groups);
    await page.mouse.click(cell.x, cell.y);
    await expect.poll(() => query().get('pair')).toBe('1,2');
    await expect
      .poll(() => page.getByTestId('inspect-block').getAttribute('data-region'), { timeout: 60_000 })
      .toBe(`${BLOCK}-${2 * BLOCK}x${2 * BLOCK}-${3 * BLOCK}`);
    const vector = page.getByTestId('inspect-vector');
    await expect.poll(() => vector.getAttribute('data-lags')).toBe(String(BLOCK));
    await vector.scrollIntoViewIfNeeded();
    const box = (await vector.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.32, box.y + box.height * 0.5);
    await expect.poll(() => vector.getAttribute('data-hovered-lag')).toMatch(/^\d+$/);
    expect(await page.getByTestId('inspect-block').getAttribute('data-lag')).toBe(
      await vector.getAttribute('data-hovered-lag'),
    );
    await page
      .getByTestId('inspect-summary')
      .screenshot({ path: join(SCREENSHOTS, 'inspect-summary-lag.png') });
  });

  it('shows another step, then the BT run, side by side with their difference', async () => {
    await page.getByTestId('inspect-side').check();
    await expect.poll(() => query().get('side')).toBe('1');
    // By default the initialisation of the same run.
    await expect.poll(() => heatmap('inspect-heatmap-difference').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('inspect-side-run').selectOption(String(exact));
    await expect.poll(() => query().get('with')).toBe(String(exact));
    for (const id of ['inspect-heatmap', 'inspect-heatmap-side', 'inspect-heatmap-difference']) {
      await expect.poll(() => heatmap(id).getAttribute('data-loading'), { timeout: 60_000 }).toBe('false');
      await expect.poll(() => heatmap(id).getAttribute('data-region')).toBe(`0-${D}x0-${D}`);
    }
    // Zooming one zooms all three.
    const centre = await cellCentre('inspect-heatmap-side', 300, 300, 512);
    await page.mouse.move(centre.x, centre.y);
    for (let index = 0; index < 3; index += 1) await page.mouse.wheel(0, -200);
    await expect.poll(() => query().get('rows'), { timeout: 10_000 }).toMatch(/^\d+-\d+$/);
    const viewport = await heatmap().getAttribute('data-viewport');
    expect(await heatmap('inspect-heatmap-side').getAttribute('data-viewport')).toBe(viewport);
    expect(await heatmap('inspect-heatmap-difference').getAttribute('data-viewport')).toBe(viewport);
    for (const id of ['inspect-heatmap', 'inspect-heatmap-side', 'inspect-heatmap-difference']) {
      await expect.poll(() => heatmap(id).getAttribute('data-exact'), { timeout: 60_000 }).toBe('true');
    }
    await page.getByTestId('inspect-matrix-panel').scrollIntoViewIfNeeded();
    await shot('inspect-side-by-side.png');
  });

  it('computes a snapshot from the checkpoint of a run trained without snapshots', async () => {
    await page.goto(`${host.url}#/runs/${plain}/inspect`);
    await expect
      .poll(() => page.getByTestId('empty-state').textContent(), { timeout: 15_000 })
      .toContain('trained without snapshots');
    await page.getByTestId('inspect-capture-start').click();
    await expect
      .poll(() => page.getByTestId('inspect-capture-job').getAttribute('data-status'), { timeout: 120_000 })
      .toBe('completed');
    await expect.poll(() => heatmap().getAttribute('data-region'), { timeout: 60_000 }).toBe(`0-${D}x0-${D}`);
    expect(await page.getByTestId('inspect-scrubber').textContent()).toContain('from checkpoint');
    await expect.poll(() => page.getByTestId('inspect-contributions').count(), { timeout: 60_000 }).toBe(1);
    // Its measurements arrive once the main side has derived them.
    await expect
      .poll(() => page.getByTestId('inspect-rankme-chart').getAttribute('data-points'), { timeout: 60_000 })
      .not.toBe('0');
    await shot('inspect-from-checkpoint.png');
    expect(pageErrors).toEqual([]);
  });
});
