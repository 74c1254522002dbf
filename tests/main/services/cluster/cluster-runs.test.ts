/**
 * Runs placed on the local one-node Slurm (tests/global-setup.ts), trained by the real worker of
 * the build (cli.js worker --run-dir) and followed through their journals by the poller.
 */
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterProfile, SlurmProfileSettings } from '@shared/cluster/types';
import type { RunSummary } from '@shared/runs';
import type { StudyDetail, StudySummary } from '@shared/study/types';
import { createSlurmClient } from '../../../../src-main/cluster/slurm';
import type { Workbench } from '../../../../src-main/services/workbench';
import { JOURNAL_FILE } from '../../../../src-main/workers/journal/format';
import { slurmSkipReason, testProfile, useSlurmEnv } from '../../../helpers/slurm';
import { useTempDir } from '../../../helpers/temp-dir';
import {
  BUILD_DIR,
  hasProgress,
  hasStatus,
  testWorkbench,
  tinyConfig,
  trainToCompletion,
  waitForRun,
} from '../../../helpers/workbench';
import { tinyStudy, value } from '../studies/study-helpers';

const skip = slurmSkipReason();

describe.skipIf(skip !== undefined)(
  `runs placed on a Slurm profile${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    useSlurmEnv();
    const tempDir = useTempDir();
    let workbench: Workbench | undefined;
    afterEach(async () => {
      const jobs = workbench?.store.cluster.jobs() ?? [];
      await workbench?.close();
      workbench = undefined;
      // Whatever a failed test left in Slurm's queue: only this test's own jobs.
      const slurm = createSlurmClient();
      for (const job of jobs) await slurm.cancel(job.jobId).catch(() => undefined);
    });

    const open = async (
      overrides: Partial<SlurmProfileSettings> = {},
    ): Promise<{ workbench: Workbench; profile: ClusterProfile }> => {
      const dir = tempDir();
      workbench = testWorkbench(join(dir, 'cluster.sqlite'), {
        clusterPollMs: 250,
        cliEntry: join(BUILD_DIR, 'cli.js'),
      });
      const settings = testProfile(join(dir, 'shared'), overrides);
      const profile = value<ClusterProfile>(await workbench.dispatch('cluster:profile-save', { settings }));
      return { workbench, profile };
    };

    const losses = (workbench: Workbench, runId: number) => {
      const series = workbench.store.metrics.series(runId, 'loss');
      return series.steps.map((step, index) => [step, series.values[index]]);
    };

    it('a short run completes with the same per-step losses as the same run trained here', async () => {
      const { workbench, profile } = await open();
      const localId = await trainToCompletion(workbench, tinyConfig());
      const placed = value<RunSummary>(
        await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
      );
      expect(placed.status).toBe('queued');
      const ended = await waitForRun(workbench, placed.id, hasStatus('completed', 'failed'), 180_000);
      expect(ended.error).toBeNull();
      expect(ended.status).toBe('completed');
      const local = losses(workbench, localId);
      expect(local).toHaveLength(12);
      expect(losses(workbench, placed.id)).toEqual(local);
      const [job] = workbench.store.cluster.jobs({ runId: placed.id });
      expect(job).toMatchObject({ arrayJobId: null, profileName: 'local-slurm' });
      expect(ended.placement?.jobId).toBe(job!.jobId);
      expect(existsSync(join(ended.placement!.runDir, 'job.json'))).toBe(true);

      // Its evaluations run here, from the checkpoint the journal brought back: no new job.
      await expect.poll(() => workbench.supervisor.isBusy(placed.id), { timeout: 30_000 }).toBe(false);
      const evaluation = await workbench.handlers['evaluations:start']({
        runId: placed.id,
        kind: 'knn',
        settings: {},
      });
      expect(workbench.supervisor.isQueued(placed.id) || workbench.supervisor.isRunning(placed.id)).toBe(
        true,
      );
      await expect
        .poll(
          async () =>
            (await workbench.handlers['evaluations:list']({ runId: placed.id })).find(
              (candidate) => candidate.id === evaluation.id,
            )?.status,
          { timeout: 120_000, interval: 500 },
        )
        .toBe('completed');
      expect(workbench.store.cluster.jobs({ runId: placed.id })).toHaveLength(1);
      expect(workbench.store.runs.summary(placed.id)!.status).toBe('completed');
    }, 300_000);

    it('stop writes a stop checkpoint and ends the run stopped; resume submits a new job that completes', async () => {
      const { workbench, profile } = await open();
      // No scheduled checkpoints: the one it resumes from is the stop's.
      const config = tinyConfig({
        training: { epochs: 13, batchSize: 64, maxSteps: 200 },
        checkpoint: { everyEpochs: 0 },
      });
      const run = value<RunSummary>(
        await workbench.dispatch('runs:create', { config, start: true, profileId: profile.id }),
      );
      await waitForRun(workbench, run.id, hasProgress(3), 180_000);
      const refused = await workbench.dispatch('runs:delete', { runId: run.id });
      expect(!refused.ok && refused.error.message).toMatch(/Slurm job \d+ holds it now; stop it first/u);
      const stopping = value<RunSummary>(await workbench.dispatch('runs:stop', { runId: run.id }));
      expect(stopping.status).toBe('stopping');
      const stopped = await waitForRun(
        workbench,
        run.id,
        hasStatus('stopped', 'failed', 'completed'),
        60_000,
      );
      expect(stopped.status).toBe('stopped');
      const checkpoint = workbench.store.checkpoints.list(run.id).at(-1)!;
      expect(checkpoint.reason).toBe('stop');
      expect(stopped.checkpointStep).toBe(checkpoint.step);
      const firstJob = stopped.placement!.jobId;

      const resumed = value<RunSummary>(await workbench.dispatch('runs:resume', { runId: run.id }));
      expect(['queued', 'stopped']).toContain(resumed.status); // stopped: its first job is still leaving Slurm
      const ended = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 240_000);
      expect(ended.error).toBeNull();
      expect(ended.status).toBe('completed');
      expect(ended.placement!.jobId).not.toBe(firstJob);
      expect(workbench.store.cluster.jobs({ runId: run.id })).toHaveLength(2);
      // Every step once, none missing, across both jobs.
      const steps = workbench.store.metrics.series(run.id, 'loss').steps;
      expect(steps).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
      // The second job's worker continued from the stop checkpoint, in the same journal.
      const segments = readFileSync(join(ended.placement!.runDir, JOURNAL_FILE), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; jobId?: string; resumeStep?: number | null })
        .filter((line) => line.type === 'segment');
      expect(segments.map((segment) => [segment.jobId, segment.resumeStep])).toEqual([
        [firstJob, null],
        [ended.placement!.jobId, checkpoint.step],
      ]);
    }, 600_000);

    it('a two-run study placed on a profile is one job array, and both runs complete', async () => {
      const { workbench, profile } = await open();
      const created = value<StudySummary>(
        await workbench.dispatch('studies:create', { spec: tinyStudy(), start: true, profileId: profile.id }),
      );
      expect(created.profileName).toBe('local-slurm');
      const detail = value<StudyDetail>(await workbench.dispatch('studies:get', { studyId: created.id }));
      const runIds = detail.runs.map(({ run }) => run.id);
      expect(runIds).toHaveLength(2);
      for (const runId of runIds) {
        const ended = await waitForRun(workbench, runId, hasStatus('completed', 'failed'), 300_000);
        expect(ended.error).toBeNull();
        expect(ended.status).toBe('completed');
      }
      const jobs = runIds.map((runId) => workbench.store.cluster.jobs({ runId })[0]!);
      expect(jobs[0]!.arrayJobId).not.toBeNull();
      expect(jobs[1]!.arrayJobId).toBe(jobs[0]!.arrayJobId);
      expect(jobs.map((job) => job.jobId)).toEqual([`${jobs[0]!.arrayJobId}_0`, `${jobs[0]!.arrayJobId}_1`]);
    }, 400_000);

    it('a placed study stops, resumes as one new job array from its checkpoints, and is deleted', async () => {
      const { workbench, profile } = await open();
      // Long enough that neither run ends before the study's stop reaches it, on a busy machine too.
      const base = tinyConfig({ training: { epochs: 40, batchSize: 64, maxSteps: 600 } });
      const created = value<StudySummary>(
        await workbench.dispatch('studies:create', {
          spec: tinyStudy({}, base),
          start: true,
          profileId: profile.id,
        }),
      );
      const detail = value<StudyDetail>(await workbench.dispatch('studies:get', { studyId: created.id }));
      const runIds = detail.runs.map(({ run }) => run.id);
      for (const runId of runIds) await waitForRun(workbench, runId, hasProgress(3), 180_000);
      await workbench.dispatch('studies:stop', { studyId: created.id });
      for (const runId of runIds)
        expect((await waitForRun(workbench, runId, hasStatus('stopped', 'failed', 'completed'))).status).toBe(
          'stopped',
        );
      const firstArray = workbench.store.cluster.currentJob(runIds[0]!)!.arrayJobId;

      value(await workbench.dispatch('studies:resume', { studyId: created.id }));
      for (const runId of runIds) {
        const ended = await waitForRun(workbench, runId, hasStatus('completed', 'failed'), 300_000);
        expect(ended.error).toBeNull();
        expect(ended.status).toBe('completed');
        expect(workbench.store.metrics.series(runId, 'loss').steps).toHaveLength(600);
      }
      const second = runIds.map((runId) => workbench.store.cluster.currentJob(runId)!);
      expect(second[0]!.arrayJobId).not.toBe(firstArray);
      expect(second.map((job) => job.arrayJobId)).toEqual([second[0]!.arrayJobId, second[0]!.arrayJobId]);

      const deleted = await workbench.dispatch('studies:delete', { studyId: created.id });
      expect(deleted).toMatchObject({ ok: true, value: { runIds } });
      expect(workbench.store.cluster.jobs()).toEqual([]);
    }, 600_000);

    it('closing the host leaves the job training; the next host catches up to its end', async () => {
      const { workbench: first, profile } = await open();
      const path = first.store.path;
      const config = tinyConfig({ training: { epochs: 13, batchSize: 64, maxSteps: 200 } });
      const run = value<RunSummary>(
        await first.dispatch('runs:create', { config, start: true, profileId: profile.id }),
      );
      await waitForRun(first, run.id, hasProgress(3), 180_000);
      await first.close();
      workbench = undefined;
      const second = testWorkbench(path, { clusterPollMs: 250, cliEntry: join(BUILD_DIR, 'cli.js') });
      workbench = second;
      const job = second.store.cluster.currentJob(run.id)!;
      const state = (await createSlurmClient().states([job.jobId])).get(job.jobId)?.state;
      expect(['RUNNING', 'COMPLETING', 'COMPLETED']).toContain(state);
      expect(second.interruptedAtStart).not.toContain(run.id);
      const ended = await waitForRun(
        second,
        run.id,
        hasStatus('completed', 'failed', 'interrupted'),
        180_000,
      );
      expect(ended.status).toBe('completed');
      expect(second.store.metrics.series(run.id, 'loss').steps).toEqual(
        Array.from({ length: 200 }, (_, index) => index + 1),
      );
    }, 400_000);

    it('stop cancels a job still pending in Slurm: the run is stopped, never trained', async () => {
      // --begin holds the job in Slurm's queue (PENDING, reason BeginTime) for an hour.
      const { workbench, profile } = await open({ extraArgs: ['--begin=now+3600'] });
      const run = value<RunSummary>(
        await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
      );
      await expect
        .poll(() => workbench.store.cluster.currentJob(run.id)?.jobId, { timeout: 15_000 })
        .toBeTruthy();
      expect(workbench.supervisor.isQueued(run.id)).toBe(true);
      // Stopping while Slurm cancels the job (only while still pending: it may have started since the
      // last poll); the poller then settles the run as stopped.
      const stopped = value<RunSummary>(await workbench.dispatch('runs:stop', { runId: run.id }));
      expect(stopped.status).toBe('stopping');
      const jobId = stopped.placement!.jobId!;
      const slurm = createSlurmClient();
      await expect
        .poll(async () => (await slurm.states([jobId])).get(jobId)?.state, { timeout: 15_000, interval: 500 })
        .toBe('CANCELLED');
      await expect.poll(() => workbench.supervisor.isBusy(run.id), { timeout: 15_000 }).toBe(false);
      expect(workbench.store.runs.summary(run.id)!.status).toBe('stopped');
      expect(workbench.store.metrics.series(run.id, 'loss').steps).toEqual([]);
    });

    it("a profile with a wrong partition fails the run with Slurm's message within seconds", async () => {
      const { workbench, profile } = await open({ partition: 'nope' });
      const started = Date.now();
      const run = value<RunSummary>(
        await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
      );
      const ended = await waitForRun(workbench, run.id, hasStatus('failed', 'completed'), 15_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(ended.status).toBe('failed');
      expect(ended.error).toMatch(/invalid partition specified: nope/);
      expect(workbench.store.cluster.jobs({ runId: run.id })).toEqual([]);
      expect(workbench.supervisor.isBusy(run.id)).toBe(false);
    });
  },
);
