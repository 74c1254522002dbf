import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyDetail, StudyReport } from '@shared/study/types';
import { SCREENSHOTS, serveWorkbenchSuite } from '../helpers/browser';

/**
 * A study made in the New-run form (issue 14, items 1 and 7): a tiny base (the smoke preset's MLP,
 * 12 steps), BT against sBT over 2 seeds, previewed, launched, watched to the end on its page,
 * with its report, the comparison grouped by its axis, the Studies list and the Cost page.
 */
describe('a study from the New-run form, in Debian Chromium against serve mode', () => {
  const e2e = serveWorkbenchSuite('studies-', { width: 1440, height: 900 });
  let studyId = 0;
  let firstRunId = 0;

  const query = () => new URL(e2e.page.url().replace('#/', '')).searchParams;
  const field = (path: string) => e2e.page.locator(`[data-testid="new-run-form"] [name="${path}"]`);
  const preview = () => e2e.page.getByTestId('study-preview');

  /** The New-run form with the Study section open, on a base of a few seconds a run (an MLP, 12 steps). */
  async function openTinyStudyForm(): Promise<void> {
    await e2e.page.goto(`${e2e.host.url}#/runs/new?study=1`);
    await e2e.page.getByTestId('preset-select').selectOption('smoke');
    await field('backend').selectOption('wasm');
    await field('training.maxSteps').fill('12');
    await field('dataset.trainLimit').fill('1024');
    await field('evaluation.bankLimit').fill('256');
    await field('evaluation.testLimit').fill('128');
  }

  it('previews the grid as it is edited: the count, each run, the invalid ones, and the estimate', async () => {
    await openTinyStudyForm();
    await e2e.page.getByTestId('study-name').fill('e2e study');
    // Opened by ?study=1 with a loss axis of BT and sBT (b = d).
    const axis = e2e.page.locator('[data-testid="study-axis"][data-field="loss"]');
    expect(await axis.getByTestId('axis-method-bt').isChecked()).toBe(true);
    expect(await axis.getByTestId('axis-method-sbt').isChecked()).toBe(true);
    await e2e.page.getByTestId('study-seeds').fill('2');
    // The evaluation plan: a kNN sweep of each run once it completes.
    await e2e.page.getByTestId('study-eval-knn').check();
    await expect
      .poll(() => e2e.page.getByTestId('study-preview-count').getAttribute('data-count'), { timeout: 15_000 })
      .toBe('4');
    await expect.poll(() => e2e.page.getByTestId('study-preview-run').count()).toBe(4);
    expect(await e2e.page.getByTestId('study-launch').isEnabled()).toBe(true);

    // A block size above d = 64 makes every run invalid: each says why, and nothing can launch.
    await e2e.page.getByTestId('study-add-axis').click();
    const blocks = e2e.page.getByTestId('study-axis').nth(1);
    await blocks.getByTestId('axis-field').fill('loss.blockSize');
    await blocks.getByTestId('axis-field').press('Tab');
    await blocks.getByTestId('axis-values').fill('128');
    await expect.poll(() => preview().getAttribute('data-valid'), { timeout: 15_000 }).toBe('false');
    await expect
      .poll(() => e2e.page.locator('[data-testid="study-preview-run"][data-valid="false"]').count())
      .toBe(4);
    expect(await e2e.page.getByTestId('study-preview-issues').first().textContent()).toMatch(
      /loss\.blockSize/,
    );
    expect(await e2e.page.getByTestId('study-launch').isDisabled()).toBe(true);
    await e2e.page
      .getByTestId('study-section')
      .screenshot({ path: join(SCREENSHOTS, 'study-preview-invalid.png') });

    await blocks.getByTestId('axis-remove').click();
    await expect.poll(() => preview().getAttribute('data-valid'), { timeout: 15_000 }).toBe('true');
    // Nothing of this shape has run yet: the estimate says what it lacks.
    const estimate = e2e.page.getByTestId('study-estimate');
    expect(await estimate.getAttribute('data-source')).toBe('none');
    expect(await estimate.textContent()).toMatch(/estimate/i);
    await e2e.page.getByTestId('study-section').screenshot({ path: join(SCREENSHOTS, 'study-preview.png') });

    // A quick measurement times the grid's training steps in a worker (a cost study), and the
    // preview then estimates from those stored step times.
    await e2e.page.getByTestId('study-measure').click();
    await expect.poll(() => estimate.getAttribute('data-source'), { timeout: 90_000 }).toBe('measured');
    expect(await estimate.textContent()).toMatch(/measured by cost study \d+/);
    await e2e.page
      .getByTestId('study-section')
      .screenshot({ path: join(SCREENSHOTS, 'study-preview-measured.png') });
  });

  it('launches the study, and its page follows the runs to the end', async () => {
    await expect.poll(() => e2e.page.getByTestId('study-launch').isEnabled()).toBe(true);
    await e2e.page.getByTestId('study-launch').click();
    await expect.poll(() => e2e.page.url(), { timeout: 15_000 }).toMatch(/#\/studies\/\d+$/);
    studyId = Number(/studies\/(\d+)$/.exec(e2e.page.url())![1]);
    await expect.poll(() => e2e.page.getByTestId('study-run-row').count(), { timeout: 15_000 }).toBe(4);
    // Part way: a run done, the others running or queued (its ETA from their step rate).
    await expect
      .poll(async () => Number(await e2e.page.getByTestId('study-progress').getAttribute('data-completed')), {
        timeout: 120_000,
      })
      .toBeGreaterThan(0);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'study-running.png'), fullPage: true });
    await expect
      .poll(() => e2e.page.getByTestId('study-state').getAttribute('data-state'), {
        timeout: 300_000,
        interval: 1000,
      })
      .toBe('completed');
    await expect
      .poll(() => e2e.page.locator('[data-testid="study-run-row"][data-status="completed"]').count())
      .toBe(4);
    expect(await e2e.page.getByTestId('study-progress').getAttribute('data-completed')).toBe('4');

    const result = await e2e.workbench.dispatch('studies:get', { studyId });
    expect(result.ok).toBe(true);
    const detail = (result as { ok: true; value: StudyDetail }).value;
    firstRunId = detail.runs[0]!.run.id;
    expect(detail.runs.map((item) => [item.point.labels.loss, item.point.seed]).sort()).toEqual([
      ['BT', 0],
      ['BT', 1],
      ['sBT', 0],
      ['sBT', 1],
    ]);
    // Every kNN cell shows a final accuracy.
    const knn = await e2e.page.getByTestId('study-run-knn').allTextContents();
    expect(knn.every((text) => /\d+(\.\d)?%/.test(text))).toBe(true);
  }, 330_000);

  it('shows the report of the finished runs', async () => {
    const panel = e2e.page.getByTestId('study-report-panel');
    const result = await e2e.workbench.dispatch('studies:report', { studyId });
    const report = (result as { ok: true; value: StudyReport }).value;
    expect(report.rows.map((row) => row.method).sort()).toEqual(['BT', 'sBT']);
    expect(report.verdict.length).toBeGreaterThan(0);
    // The report reloads once the last run's status arrives (debounced): the verdict then matches the store's.
    for (const line of report.verdict)
      await expect.poll(() => panel.textContent(), { timeout: 15_000 }).toContain(line);
    expect(await panel.textContent()).not.toMatch(/has not completed/);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'study-completed.png'), fullPage: true });
    await panel.screenshot({ path: join(SCREENSHOTS, 'study-report.png') });
  });

  it('opens the comparison of its runs, grouped by the loss', async () => {
    await e2e.page.getByTestId('study-compare').click();
    await expect.poll(() => query().get('group')).toBe('loss.name');
    expect(query().get('runs')?.split(',')).toHaveLength(4);
    await expect.poll(() => e2e.page.getByTestId('compare-group-row').count(), { timeout: 30_000 }).toBe(2);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'study-compare.png'), fullPage: true });
  });

  it('lists the study on the Studies page, done, with its planned evaluations', async () => {
    await e2e.page.getByTestId('nav-studies').click();
    const row = e2e.page.locator(`[data-testid="study-row"][data-study-id="${studyId}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('completed');
    expect(await row.textContent()).toContain('4 / 4 done');
    // The planned kNN sweeps queued by themselves and all ran.
    await expect
      .poll(() => row.getByTestId('study-evaluations').textContent(), { timeout: 180_000, interval: 1000 })
      .toBe('4 / 4 done');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'studies-list.png'), fullPage: true });
  }, 200_000);

  it('starts a second study from a run of the first, estimated from the first one’s step times', async () => {
    await e2e.page.goto(`${e2e.host.url}#/runs/${firstRunId}`);
    await e2e.page.getByTestId('run-study').click();
    await expect.poll(() => e2e.page.getByTestId('study-section').getAttribute('data-open')).toBe('true');
    // The run's configuration is the base.
    await expect.poll(() => field('model.backbone').inputValue(), { timeout: 15_000 }).toBe('mlp');
    expect(await field('training.maxSteps').inputValue()).toBe('12');
    await e2e.page.getByTestId('study-name').fill('e2e study again');
    const estimate = e2e.page.getByTestId('study-estimate');
    await expect.poll(() => estimate.getAttribute('data-source'), { timeout: 15_000 }).toBe('history');
    expect(await estimate.textContent()).toMatch(/Per run\s*\d+s.*All runs\s*\d+s.*Wall time\s*\d+s/s);
    await e2e.page
      .getByTestId('study-section')
      .screenshot({ path: join(SCREENSHOTS, 'study-preview-estimate.png') });
  });

  it('fills the form from the paper-fashion-mnist study preset: 5 methods x 3 seeds, each valid', async () => {
    await e2e.page.getByTestId('study-preset').selectOption('paper-fashion-mnist');
    await expect.poll(() => e2e.page.getByTestId('study-name').inputValue()).toBe('paper-fashion-mnist');
    expect(await e2e.page.getByTestId('study-seeds').inputValue()).toBe('3');
    expect(await e2e.page.getByTestId('study-eval-linear').isChecked()).toBe(true);
    expect(await e2e.page.getByTestId('axis-labels').textContent()).toMatch(
      /BT\s*sBT\s*sBT \(no perm\.\)\s*VICReg\s*sVICReg/,
    );
    // The run form shows the preset's base (the small CNN).
    expect(await field('model.backbone').inputValue()).toBe('small-cnn');
    await expect
      .poll(() => e2e.page.getByTestId('study-preview-count').getAttribute('data-count'), { timeout: 15_000 })
      .toBe('15');
    await expect.poll(() => e2e.page.getByTestId('study-preview').getAttribute('data-valid')).toBe('true');
    await e2e.page.getByTestId('study-section').screenshot({ path: join(SCREENSHOTS, 'study-preset.png') });
    // The run form says where its values came from.
    expect(await e2e.page.getByTestId('preset-select').inputValue()).toBe('study-preset');
    expect(await e2e.page.getByTestId('preset-description').textContent()).toMatch(/comparison/);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'new-run-study.png'), fullPage: true });
  });

  it('deletes the study with its runs', async () => {
    await e2e.page.goto(`${e2e.host.url}#/studies/${studyId}`);
    await e2e.page.getByTestId('study-delete').click();
    await e2e.page.getByTestId('study-delete-confirm').click();
    await expect.poll(() => e2e.page.url(), { timeout: 15_000 }).toMatch(/#\/studies$/);
    await expect.poll(() => e2e.page.getByTestId('study-row').count()).toBe(0);
    const runs = await e2e.workbench.dispatch('runs:list', {});
    expect(runs.ok && (runs.value as unknown[]).length).toBe(0);
  });

  it('stops a running study, resumes it, and deletes it while it runs', async () => {
    await openTinyStudyForm();
    await field('training.maxSteps').fill('2000');
    await field('training.epochs').fill('200');
    await e2e.page.getByTestId('study-name').fill('e2e long study');
    await e2e.page.getByTestId('axis-method-sbt').uncheck();
    await expect
      .poll(() => e2e.page.getByTestId('study-preview-count').getAttribute('data-count'), { timeout: 15_000 })
      .toBe('1');
    await expect.poll(() => e2e.page.getByTestId('study-launch').isEnabled()).toBe(true);
    await e2e.page.getByTestId('study-launch').click();
    await expect.poll(() => e2e.page.url(), { timeout: 15_000 }).toMatch(/#\/studies\/\d+$/);
    const state = () => e2e.page.getByTestId('study-state').getAttribute('data-state');
    const step = () => e2e.page.getByTestId('run-progress').first().getAttribute('data-step');
    await expect.poll(async () => Number(await step()), { timeout: 60_000 }).toBeGreaterThan(0);
    await e2e.page.getByTestId('study-stop').click();
    await expect.poll(state, { timeout: 60_000 }).toBe('stopped');
    expect(await e2e.page.getByTestId('study-stop').isDisabled()).toBe(true);
    // The report follows the state: its notes no longer call the run running.
    await expect
      .poll(() => e2e.page.getByTestId('study-report-panel').textContent(), { timeout: 15_000 })
      .toMatch(/stopped: run \d+/);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'study-stopped.png'), fullPage: true });
    const stoppedAt = Number(await step());
    await e2e.page.getByTestId('study-resume').click();
    await expect.poll(state, { timeout: 30_000 }).toBe('running');
    // It continues from its stop checkpoint, not from the start.
    await expect.poll(async () => Number(await step()), { timeout: 60_000 }).toBeGreaterThan(stoppedAt);
    await e2e.page.getByTestId('study-delete').click();
    await e2e.page.getByTestId('study-delete-confirm').click();
    await expect.poll(() => e2e.page.url(), { timeout: 60_000 }).toMatch(/#\/studies$/);
    await expect.poll(() => e2e.page.getByTestId('study-row').count()).toBe(0);
    const runs = await e2e.workbench.dispatch('runs:list', {});
    expect(runs.ok && (runs.value as unknown[]).length).toBe(0);
  }, 240_000);

  it('opens the Cost page', async () => {
    await e2e.page.goto(`${e2e.host.url}#/cost`);
    // The route exists (not the not-found page) and says what it is.
    await expect
      .poll(() => e2e.page.locator('h1').first().textContent(), { timeout: 15_000 })
      .toMatch(/cost/i);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cost-page.png'), fullPage: true });
    expect(e2e.errors).toEqual([]);
  });
});
