import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, openBrowser, SCREENSHOTS } from '../helpers/browser';
import {
  BUILD_DIR,
  hasStatus,
  serveWorkbench,
  testWorkbench,
  tinyConfig,
  waitForRun,
} from '../helpers/workbench';

/** Trains a run in a CLI host process and kills that host with SIGKILL once checkpoints exist. */
async function interruptedRun(databasePath: string, folder: string): Promise<void> {
  const config = join(folder, 'long.json');
  writeFileSync(
    config,
    JSON.stringify(
      tinyConfig({
        name: 'interrupted in the e2e test',
        training: { epochs: 30, batchSize: 64, maxSteps: 120 },
        checkpoint: { everyEpochs: 0, everySteps: 10, keepLast: 3, keepBest: true },
      }),
    ),
  );
  const host = spawn(
    process.execPath,
    [join(BUILD_DIR, 'cli.js'), 'train', '--config', config, '--db', databasePath],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let output = '';
  host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const lastStep = () =>
    Math.max(0, ...[...output.matchAll(/ (\d+)\/120 /g)].map((match) => Number(match[1])));
  await expect.poll(lastStep, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(25);
  host.kill('SIGKILL');
  await new Promise((resolve) => host.once('exit', resolve));
}

describe('resume and offline evaluation through the UI (Debian Chromium, serve mode)', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    folder = e2eFolder('resume-');
    ({ context, page, errors: pageErrors } = await openBrowser(join(folder, 'profile')));
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('offers to resume the interrupted run at start-up, resumes it, and evaluates it', async () => {
    const databasePath = join(folder, 'e2e.sqlite');
    await interruptedRun(databasePath, folder);
    workbench = testWorkbench(databasePath);
    host = await serveWorkbench(workbench);
    const [runId] = workbench.interruptedAtStart;
    expect(runId).toBeDefined();
    await page.goto(host.url);
    const banner = page.getByTestId('interrupted-banner');
    await banner.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'interrupted-banner.png') });
    await page.locator(`[data-testid="banner-resume"][data-run-id="${runId}"]`).click();
    expect((await waitForRun(workbench, runId!, hasStatus('completed', 'failed'), 120_000)).status).toBe(
      'completed',
    );
    expect(workbench.store.metrics.series(runId!, 'loss').steps).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    await expect.poll(() => workbench.supervisor.isRunning(runId!)).toBe(false);

    await page.goto(`${host.url}#/runs/${runId}`);
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('completed');
    await page.getByTestId('evaluate-knn').click();
    const heatmap = page.getByTestId('knn-heatmap');
    await heatmap.waitFor({ timeout: 120_000 });
    expect(await heatmap.getAttribute('data-cells')).toBe('35');
    await expect.poll(() => heatmap.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('run-evaluations').screenshot({ path: join(SCREENSHOTS, 'knn-heatmap.png') });
    const evaluations = workbench.store.evaluations.list(runId!);
    expect(evaluations).toMatchObject([{ kind: 'knn', status: 'completed', checkpointStep: 120 }]);
    expect(pageErrors).toEqual([]);
  });
});
