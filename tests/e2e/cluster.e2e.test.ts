import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ClusterJob, ClusterProfile } from '@shared/cluster/types';
import type { RunSummary } from '@shared/runs';
import type { StudyDetail } from '@shared/study/types';
import { createSlurmClient } from '../../src-main/cluster/slurm';
import { SCREENSHOTS, serveWorkbenchSuite } from '../helpers/browser';
import { SLURM_PARTITION, slurmSkipReason, useSlurmEnv } from '../helpers/slurm';
import { BUILD_DIR, hasStatus, tinyConfig, waitForRun } from '../helpers/workbench';

const skip = slurmSkipReason();

/**
 * Slurm placement from the desktop (issue 15), in Debian Chromium against serve mode: a profile
 * added in Settings (refused first with a relative run folder) and checked; then, on the local
 * one-node Slurm (tests/global-setup.ts), a tiny run placed on it from the New run form, followed
 * in its header and in the Cluster view until its job completed.
 */
describe('Slurm profiles and placed runs (Chromium, serve mode)', () => {
  useSlurmEnv();
  const e2e = serveWorkbenchSuite('cluster-', { width: 1440, height: 900 });
  // Whatever a failed test left in the shared Slurm's queue: only this suite's own jobs.
  const submitted = new Set<string>();
  afterEach(() => {
    for (const job of e2e.workbench.store.cluster.jobs()) submitted.add(job.jobId);
  });
  afterAll(async () => {
    const slurm = createSlurmClient();
    for (const jobId of submitted) await slurm.cancel(jobId).catch(() => undefined);
  });
  const message = (field: string) =>
    e2e.page.locator(`[data-testid="cluster-profile-form"] .message[data-field="${field}"]`);
  // The shared storage's folder exists (a submission refuses a missing one: an unmounted share).
  const runFolder = () => {
    const folder = join(e2e.folder, 'shared');
    mkdirSync(folder, { recursive: true });
    return folder;
  };

  it('refuses a profile whose run folder is relative, with the message on its field', async () => {
    await e2e.page.goto(`${e2e.host.url}#/settings`);
    await e2e.page.getByTestId('settings-page').waitFor({ timeout: 15_000 });
    expect(await e2e.page.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await e2e.page.getByTestId('empty-state').waitFor();
    await e2e.page.getByTestId('profile-name').fill('onenode');
    await e2e.page.getByTestId('profile-runFolder').fill('runs/here');
    await e2e.page.getByTestId('cluster-profile-save').click();
    await expect
      .poll(() => message('runFolder').textContent())
      .toBe('An absolute path on shared storage, the same on this machine and the nodes');
    expect(await e2e.page.getByTestId('profile-runFolder').getAttribute('aria-invalid')).toBe('true');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-settings-invalid.png'), fullPage: true });
    const listed = await e2e.workbench.dispatch('cluster:profiles', {});
    expect(listed.ok && listed.value).toEqual([]);
  });

  it('checks the profile against this machine’s Slurm, line by line, then adds it', async () => {
    await e2e.page.getByTestId('profile-runFolder').fill(runFolder());
    await e2e.page.getByTestId('profile-partition').fill(SLURM_PARTITION);
    await e2e.page.getByTestId('profile-cpusPerTask').fill('1');
    // Without --mem a job holds the whole node: 1 GB lets other test files' jobs share it.
    await e2e.page.getByTestId('profile-memoryGb').fill('1');
    await e2e.page.getByTestId('profile-timeLimit').fill('10');
    await e2e.page.getByTestId('profile-nodeCommand').fill(process.execPath);
    await e2e.page.getByTestId('profile-cliPath').fill(join(BUILD_DIR, 'cli.js'));
    await expect.poll(() => message('runFolder').count()).toBe(0);

    await e2e.page.getByTestId('cluster-profile-check').click();
    const check = e2e.page.getByTestId('cluster-check');
    await check.waitFor({ timeout: 30_000 });
    const lines = e2e.page.getByTestId('cluster-check-line');
    expect(await lines.count()).toBeGreaterThan(0);
    // Each line says what was tried, with Slurm's or the system's words.
    for (const line of await lines.all()) expect((await line.textContent())!.trim()).not.toBe('');
    if (!skip) expect(await check.getAttribute('data-ok')).toBe('true');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-settings-check.png'), fullPage: true });

    await e2e.page.getByTestId('cluster-profile-save').click();
    const row = e2e.page.locator('[data-testid="cluster-profile-row"][data-profile="onenode"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain(SLURM_PARTITION);
    const listed = await e2e.workbench.dispatch('cluster:profiles', {});
    expect(listed.ok && (listed.value as ClusterProfile[]).map((profile) => profile.settings)).toEqual([
      expect.objectContaining({
        name: 'onenode',
        partition: SLURM_PARTITION,
        cpusPerTask: 1,
        memoryGb: 1,
        timeLimit: '10',
        runFolder: runFolder(),
      }),
    ]);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-settings.png'), fullPage: true });
  });

  it('edits the profile in the same form: a taken name is refused on its field, a new time limit saved', async () => {
    await e2e.workbench.dispatch('cluster:profile-save', {
      settings: { name: 'other', runFolder: runFolder() },
    });
    const row = e2e.page.locator('[data-testid="cluster-profile-row"][data-profile="onenode"]');
    await row.getByTestId('cluster-profile-edit').click();
    const form = e2e.page.getByTestId('cluster-profile-form');
    await expect.poll(() => form.locator('.panel-title').textContent()).toBe('Edit onenode');
    expect(await e2e.page.getByTestId('profile-timeLimit').inputValue()).toBe('10');
    await e2e.page.getByTestId('profile-name').fill('other');
    await e2e.page.getByTestId('cluster-profile-save').click();
    await expect.poll(() => message('name').textContent()).toBe('This name is taken');
    await e2e.page.getByTestId('profile-name').fill('onenode');
    await expect.poll(() => message('name').count()).toBe(0);
    await e2e.page.getByTestId('profile-timeLimit').fill('15');
    await e2e.page.getByTestId('cluster-profile-save').click();
    await expect
      .poll(() => e2e.page.getByTestId('cluster-profile-saved').textContent())
      .toBe('Saved onenode.');
    const listed = await e2e.workbench.dispatch('cluster:profiles', {});
    const profiles = (listed.ok ? listed.value : []) as ClusterProfile[];
    expect(profiles.map((profile) => [profile.settings.name, profile.settings.timeLimit])).toEqual([
      ['onenode', '15'],
      ['other', ''],
    ]);
    // The other one goes (no run on it), with a confirmation.
    const other = e2e.page.locator('[data-testid="cluster-profile-row"][data-profile="other"]');
    await other.getByTestId('cluster-profile-remove').click();
    await other.getByTestId('cluster-profile-remove-confirm').click();
    await expect.poll(() => other.count()).toBe(0);
  });

  it('shows the profile in the Cluster view, which says how to place a run while no job exists', async () => {
    await e2e.page.getByTestId('nav-cluster').click();
    await e2e.page.getByTestId('cluster-page').waitFor();
    const card = e2e.page.locator('[data-testid="cluster-profile-cards"] [data-profile="onenode"]');
    await card.waitFor();
    expect(await card.textContent()).toContain(SLURM_PARTITION);
    expect(await e2e.page.getByTestId('empty-state').textContent()).toContain('No job submitted yet');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-empty.png'), fullPage: true });
  });

  it('offers the profile under Where in the New run form, for a run and for a study', async () => {
    await e2e.page.getByTestId('nav-new-run').click();
    const where = e2e.page.getByTestId('placement-select');
    await expect.poll(() => where.locator('option').count()).toBe(2);
    expect(await e2e.page.getByTestId('placement-hint').textContent()).toContain('Trains here');
    await where.selectOption({ label: `Slurm: onenode (${SLURM_PARTITION}, no GPU)` });
    expect(await e2e.page.getByTestId('placement-hint').textContent()).toContain(runFolder());
    await e2e.page.getByTestId('study-toggle').check();
    expect(await e2e.page.getByTestId('study-placement').textContent()).toContain(
      'On Slurm (onenode): the runs go as one job array.',
    );
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-new-run-where.png'), fullPage: true });
    await e2e.page.getByTestId('study-toggle').uncheck();
  });

  it.skipIf(skip !== undefined)(
    `launches a tiny run on the profile, shows its job and node, and its job COMPLETED${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const page = e2e.page;
      await page.locator('[name="name"]').fill('placed tiny');
      await page.locator('[name="backend"]').selectOption('wasm');
      await page.locator('[name="model.backbone"]').selectOption('mlp');
      await page.locator('[name="dataset.trainLimit"]').fill('1024');
      await page.locator('[name="model.projectorOutputDim"]').fill('64');
      await page.locator('[name="training.batchSize"]').fill('64');
      await page.locator('[name="training.maxSteps"]').fill('12');
      await page.getByTestId('submit-run').click();
      await page.waitForURL(/#\/runs\/\d+$/u, { timeout: 15_000 });
      const runId = Number(/#\/runs\/(\d+)$/u.exec(page.url())![1]);

      // The header names the cluster, then the job id and the node once Slurm started it.
      const placement = page.getByTestId('run-placement');
      await placement.waitFor({ timeout: 10_000 });
      expect(await placement.getAttribute('data-profile')).toBe('onenode');
      const jobId = page.getByTestId('run-slurm-job');
      await expect.poll(() => jobId.textContent(), { timeout: 60_000 }).toMatch(/^\s*\d+\s*$/u);
      const node = page.getByTestId('run-slurm-node');
      // Other test files share the one-node Slurm: the job may wait for a CPU a while.
      await expect.poll(() => node.textContent(), { timeout: 300_000, interval: 500 }).not.toBe('—');
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-run-live.png'), fullPage: true });

      const status = page.getByTestId('run-status');
      await expect
        .poll(() => status.getAttribute('data-status'), { timeout: 300_000, interval: 500 })
        .toBe('completed');
      const stored = await e2e.workbench.dispatch('runs:get', { runId });
      const run = (stored.ok ? stored.value : null) as RunSummary;
      expect(run.placement).toMatchObject({ profileName: 'onenode' });
      expect((await jobId.textContent())!.trim()).toBe(run.placement!.jobId);
      expect((await node.textContent())!.trim()).toBe(run.placement!.node);
      expect(e2e.workbench.store.metrics.series(runId, 'loss').steps).toHaveLength(12);
      const chart = page.getByTestId('metric-chart').first();
      await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-run-completed.png'), fullPage: true });

      // The Cluster view lists the job, COMPLETED once Slurm says so (its poll follows the journal's end).
      await page.getByTestId('nav-cluster').click();
      const row = page.locator(`[data-testid="cluster-job-row"][data-run-id="${runId}"]`);
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('COMPLETED');
      const jobs = await e2e.workbench.dispatch('cluster:jobs', { runId });
      const [job] = (jobs.ok ? jobs.value : []) as ClusterJob[];
      expect(await row.getAttribute('data-job-id')).toBe(job!.jobId);
      expect((await row.getByTestId('cluster-job-node').textContent())!.trim()).toBe(job!.node);
      expect(await row.getByTestId('cluster-job-run').textContent()).toContain('placed tiny');
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-jobs.png'), fullPage: true });

      // A duplicate of the placed run trains where it did.
      await row.getByTestId('cluster-job-run').click();
      await page.getByTestId('run-duplicate').click();
      const where = page.getByTestId('placement-select');
      await expect.poll(() => where.inputValue()).toBe(String(run.placement!.profileId));
    },
    660_000,
  );

  it.skipIf(skip !== undefined)(
    `launches a study from that form on the profile: one job array, its tasks in the Cluster view${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const page = e2e.page;
      // The duplicated tiny run is the base; the study's default axis is the loss (BT and sBT).
      await page.getByTestId('study-toggle').check();
      expect(await page.getByTestId('study-placement').textContent()).toContain('On Slurm (onenode)');
      await expect.poll(() => page.getByTestId('study-launch').isEnabled(), { timeout: 30_000 }).toBe(true);
      expect(await page.getByTestId('study-launch').textContent()).toContain('2 runs');
      await page.getByTestId('study-launch').click();
      await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/#\/studies\/\d+$/u);
      const studyId = Number(/studies\/(\d+)$/u.exec(page.url())![1]);
      expect(await page.getByTestId('study-where').textContent()).toContain('Slurm profile onenode');
      await expect
        .poll(() => page.getByTestId('study-state').getAttribute('data-state'), {
          timeout: 300_000,
          interval: 1000,
        })
        .toBe('completed');
      // The report follows (a moment later) with both runs' final kNN accuracy.
      for (const method of ['BT', 'sBT']) {
        const cell = page.locator(
          `[data-testid="study-report-table"] tr[data-method="${method}"] td[data-column="knnFinal"]`,
        );
        await expect.poll(() => cell.textContent(), { timeout: 10_000 }).toMatch(/\d/u);
      }
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-study.png'), fullPage: true });

      const study = await e2e.workbench.dispatch('studies:get', { studyId });
      const runIds = (study.ok ? (study.value as StudyDetail) : null)!.runs.map((item) => item.run.id);
      await page.getByTestId('nav-cluster').click();
      const rows = runIds.map((runId) =>
        page.locator(`[data-testid="cluster-job-row"][data-run-id="${runId}"]`),
      );
      for (const row of rows)
        await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('COMPLETED');
      // Two tasks of one array: `A_0`, `A_1`, each row naming the array A.
      const jobIds = await Promise.all(rows.map((row) => row.getAttribute('data-job-id')));
      const arrayId = jobIds[0]!.split('_')[0]!;
      expect(jobIds.sort()).toEqual([`${arrayId}_0`, `${arrayId}_1`]);
      for (const row of rows)
        expect(await row.getByTestId('cluster-job-id').textContent()).toContain(`array ${arrayId}`);
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-jobs-array.png'), fullPage: true });
    },
    660_000,
  );

  it.skipIf(skip !== undefined)(
    `shows Slurm's reason while a job waits, and stops it from the run page${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const page = e2e.page;
      // A profile whose jobs may not start for an hour: Slurm keeps them PENDING (BeginTime).
      const saved = await e2e.workbench.dispatch('cluster:profile-save', {
        settings: {
          name: 'later',
          partition: SLURM_PARTITION,
          cpusPerTask: 1,
          memoryGb: 1,
          extraArgs: ['--begin=now+1hour'],
          nodeCommand: process.execPath,
          cliPath: join(BUILD_DIR, 'cli.js'),
          runFolder: runFolder(),
        },
      });
      const profile = (saved.ok ? saved.value : null) as ClusterProfile;
      const created = await e2e.workbench.dispatch('runs:create', {
        config: tinyConfig({ name: 'waiting' }),
        start: true,
        profileId: profile.id,
      });
      const runId = (created.ok ? (created.value as RunSummary) : null)!.id;
      await page.goto(`${e2e.host.url}#/runs/${runId}`);
      const state = page.getByTestId('run-slurm-state');
      await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('PENDING');
      await expect
        .poll(() => page.getByTestId('run-slurm-reason').textContent(), { timeout: 30_000 })
        .toBe('BeginTime');
      expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('queued');
      await page
        .getByTestId('run-placement')
        .screenshot({ path: join(SCREENSHOTS, 'cluster-run-pending-facts.png') });
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-run-pending.png') });

      await page.getByTestId('nav-cluster').click();
      const row = page.locator(`[data-testid="cluster-job-row"][data-run-id="${runId}"]`);
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('PENDING');
      expect(await row.textContent()).toContain('BeginTime');
      await row.getByTestId('cluster-job-run').click();

      await page.getByTestId('run-stop').click();
      const status = page.getByTestId('run-status');
      await expect.poll(() => status.getAttribute('data-status'), { timeout: 60_000 }).toBe('stopped');
      await page.getByTestId('nav-cluster').click();
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toMatch(/^CANCELLED/u);
      expect(await row.textContent()).not.toContain('BeginTime');
      const card = page.locator('[data-testid="cluster-profile-cards"] [data-profile="later"]');
      await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('0 active jobs');
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-jobs-cancelled.png'), fullPage: true });
      expect((await e2e.workbench.dispatch('cluster:profile-remove', { id: profile.id })).ok).toBe(true);
    },
    300_000,
  );

  it.skipIf(skip !== undefined)(
    `refuses to remove the profile while its job is in Slurm's queue, and removes it once stopped${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const page = e2e.page;
      const profiles = await e2e.workbench.dispatch('cluster:profiles', {});
      const profile = (profiles.ok ? (profiles.value as ClusterProfile[]) : [])[0]!;
      const created = await e2e.workbench.dispatch('runs:create', {
        config: tinyConfig({ name: 'long placed', training: { epochs: 20, batchSize: 64, maxSteps: 2000 } }),
        start: true,
        profileId: profile.id,
      });
      const runId = (created.ok ? (created.value as RunSummary) : null)!.id;

      // The runs list marks the placed runs with their profile.
      await page.getByTestId('nav-runs').click();
      const chip = page.locator(`[data-testid="run-row"][data-run-id="${runId}"] [data-testid="run-where"]`);
      await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toBe('onenode');

      await page.getByTestId('nav-settings').click();
      const row = page.locator('[data-testid="cluster-profile-row"][data-profile="onenode"]');
      // Counted again as the job's events arrive.
      await expect
        .poll(() => row.getByTestId('cluster-profile-active').textContent(), { timeout: 30_000 })
        .toBe('1');
      await row.getByTestId('cluster-profile-remove').click();
      await row.getByTestId('cluster-profile-remove-confirm').click();
      const refusal = page.getByTestId('error-notice');
      await expect
        .poll(() => refusal.textContent())
        .toContain(`Profile "onenode" has 1 job(s) in Slurm's queue; stop them first`);
      await page.screenshot({
        path: join(SCREENSHOTS, 'cluster-settings-remove-refused.png'),
        fullPage: true,
      });

      await e2e.workbench.dispatch('runs:stop', { runId });
      await waitForRun(e2e.workbench, runId, hasStatus('stopped', 'failed', 'completed'), 120_000);
      await expect
        .poll(() => row.getByTestId('cluster-profile-active').textContent(), { timeout: 30_000 })
        .toBe('0');
      await row.getByTestId('cluster-profile-remove').click();
      await row.getByTestId('cluster-profile-remove-confirm').click();
      await expect.poll(() => row.count()).toBe(0);
      expect(await page.getByTestId('empty-state').textContent()).toContain('No Slurm profile yet');
      // The runs placed on it keep their placement.
      await page.goto(`${e2e.host.url}#/runs/${runId}`);
      await page.getByTestId('run-placement').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('run-placement').getAttribute('data-profile')).toBe('onenode');
      expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('stopped');
      await page.screenshot({ path: join(SCREENSHOTS, 'cluster-run-stopped.png'), fullPage: true });
    },
    300_000,
  );

  it('leaves no page error behind', () => {
    // The taken name (400) and the refused remove (409) are failed resources to Chromium; nothing else.
    const refused = [400, 409].map(
      (status) => `console: Failed to load resource: the server responded with a status of ${status}`,
    );
    expect(e2e.errors.filter((line) => !refused.some((start) => line.startsWith(start)))).toEqual([]);
  });
});
