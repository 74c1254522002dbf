/**
 * Submission of placed runs against a fake Slurm client (fake-slurm-client.ts): what happens
 * while sbatch has not answered yet, or when the shared folder is not there. The local Slurm
 * answers too quickly to show these.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterProfile } from '@shared/cluster/types';
import type { RunSummary } from '@shared/runs';
import type { StudySummary } from '@shared/study/types';
import { SlurmError } from '../../../../src-main/cluster/slurm';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../../helpers/workbench';
import { tinyStudy, value } from '../studies/study-helpers';
import { FakeSlurmClient } from './fake-slurm-client';

describe('submitting placed runs (fake Slurm client)', () => {
  const tempDir = useTempDir('decorbench-submit-');
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  const open = async (options: { mountFolder?: boolean } = {}) => {
    const dir = tempDir();
    const slurm = new FakeSlurmClient();
    workbench = testWorkbench(join(dir, 'submit.sqlite'), {
      slurm,
      cliEntry: join(dir, 'cli.js'),
      clusterPollMs: 100,
    });
    const runFolder = join(dir, 'shared', 'runs');
    if (options.mountFolder ?? true) mkdirSync(runFolder, { recursive: true });
    const profile = value<ClusterProfile>(
      await workbench.dispatch('cluster:profile-save', {
        settings: { name: 'vm', runFolder, partition: 'debug', stopGraceSeconds: 5 },
      }),
    );
    const create = async () =>
      value<RunSummary>(
        await workbench!.dispatch('runs:create', {
          config: tinyConfig(),
          start: true,
          profileId: profile.id,
        }),
      );
    return { workbench, slurm, profile, runFolder, create };
  };

  it('refuses a run folder that does not exist here (an unmounted share), creating nothing', async () => {
    const { workbench, slurm, runFolder, create } = await open({ mountFolder: false });
    const run = await create();
    const ended = await waitForRun(workbench, run.id, hasStatus('failed'), 10_000);
    expect(ended.error).toBe(
      `The run folder ${runFolder} does not exist on this machine: is the shared storage mounted?`,
    );
    expect(existsSync(runFolder)).toBe(false);
    expect(slurm.scripts).toHaveLength(0);
    expect(workbench.supervisor.isBusy(run.id)).toBe(false);

    // Once it is there, only the run's own folder is created in it.
    mkdirSync(runFolder, { recursive: true });
    await workbench.dispatch('runs:start', { runId: run.id });
    await expect.poll(() => workbench.store.cluster.currentJob(run.id)?.jobId).toBe('100');
    expect(existsSync(join(runFolder, `run-${run.id}`, 'job.json'))).toBe(true);
  });

  it('marks the run as being submitted until its job is recorded', async () => {
    const { workbench, slurm, create } = await open();
    slurm.hold = true;
    const run = await create();
    await expect.poll(() => slurm.waiting).toBe(1);
    expect(workbench.store.runs.summary(run.id)!.status).toBe('queued');
    const since = workbench.store.cluster.remoteRun(run.id)!.submittingSince;
    expect(since).toBeGreaterThan(Date.now() - 10_000);
    const jobId = slurm.answer();
    await expect.poll(() => workbench.store.cluster.currentJob(run.id)?.jobId).toBe(jobId);
    expect(workbench.store.cluster.remoteRun(run.id)!.submittingSince).toBeNull();
  });

  const timedOut = () =>
    new SlurmError(
      'sbatch did not answer within 30 s (is slurmctld reachable from this machine?)',
      'sbatch',
      null,
      '',
      true,
    );

  it('after an sbatch that timed out, records the job Slurm lists under its name', async () => {
    const { workbench, slurm, create } = await open();
    slurm.hold = true;
    const run = await create();
    await expect.poll(() => slurm.waiting).toBe(1);
    const taken = slurm.newJob();
    slurm.named.set(`decorbench-run-${run.id}`, [taken]);
    slurm.refuse(timedOut());
    await expect.poll(() => workbench.store.cluster.currentJob(run.id)?.jobId).toBe(taken);
    const summary = workbench.store.runs.summary(run.id)!;
    expect(summary.status).toBe('queued');
    expect(workbench.store.cluster.remoteRun(run.id)!.submittingSince).toBeNull();
    const said = workbench.store.logs.list(run.id).map((line) => line.message);
    expect(said).toContain(
      `sbatch did not answer within 30 s (is slurmctld reachable from this machine?); Slurm lists job ${taken} named decorbench-run-${run.id}: that is this submission's job`,
    );
  });

  it('after an sbatch that timed out with no job of that name, fails the run', async () => {
    const { workbench, slurm, create } = await open();
    slurm.hold = true;
    const run = await create();
    await expect.poll(() => slurm.waiting).toBe(1);
    slurm.refuse(timedOut());
    const ended = await waitForRun(workbench, run.id, hasStatus('failed'), 10_000);
    expect(ended.error).toBe(
      'Slurm did not take the job: sbatch did not answer within 30 s (is slurmctld reachable from this machine?)',
    );
    expect(workbench.store.cluster.remoteRun(run.id)!.submittingSince).toBeNull();
    expect(workbench.supervisor.isBusy(run.id)).toBe(false);
  });
});

describe('deleting placed runs while sbatch has not answered (fake Slurm client)', () => {
  const tempDir = useTempDir('decorbench-submit-delete-');
  let workbench: Workbench | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await workbench?.close();
    workbench = undefined;
  });

  const open = async () => {
    const dir = tempDir();
    const slurm = new FakeSlurmClient();
    slurm.hold = true;
    workbench = testWorkbench(join(dir, 'delete.sqlite'), {
      slurm,
      cliEntry: join(dir, 'cli.js'),
      clusterPollMs: 100,
    });
    const runFolder = join(dir, 'shared');
    mkdirSync(runFolder);
    const profile = value<ClusterProfile>(
      await workbench.dispatch('cluster:profile-save', {
        settings: { name: 'vm', runFolder, partition: 'debug' },
      }),
    );
    const terminal = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    return { workbench, slurm, profile, terminal };
  };

  it('refuses to delete a run being submitted; once Slurm named its job, delete cancels it', async () => {
    const { workbench, slurm, profile } = await open();
    const run = value<RunSummary>(
      await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
    );
    await expect.poll(() => slurm.waiting).toBe(1);
    expect(workbench.supervisor.isBusy(run.id)).toBe(true);
    expect(workbench.supervisor.isQueued(run.id)).toBe(true);
    const refused = await workbench.dispatch('runs:delete', { runId: run.id });
    expect(!refused.ok && refused.error.message).toBe(
      `Run ${run.id} cannot be deleted: it is being submitted to Slurm now; try again in a moment`,
    );
    const jobId = slurm.answer();
    await expect.poll(() => workbench.store.cluster.currentJob(run.id)?.jobId).toBe(jobId);
    expect(await workbench.dispatch('runs:delete', { runId: run.id })).toMatchObject({ ok: true });
    expect(slurm.cancelled).toEqual([jobId]);
  });

  it('cancels at once the job of a run deleted (by another host) while sbatch ran, and says so', async () => {
    const { workbench, slurm, profile, terminal } = await open();
    const run = value<RunSummary>(
      await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
    );
    await expect.poll(() => slurm.waiting).toBe(1);
    workbench.store.runs.delete(run.id);
    const jobId = slurm.answer();
    await expect.poll(() => slurm.cancelled).toEqual([jobId]);
    expect(terminal).toHaveBeenCalledWith(
      `Decorbench: Run ${run.id} cannot take Slurm job ${jobId} (the run is gone): cancelling the job (scancel ${jobId})`,
    );
    expect(workbench.store.cluster.jobs()).toEqual([]);
  });

  it('a store failure in a submission fails nothing silently and rejects nothing', async () => {
    const { workbench, slurm, profile, terminal } = await open();
    vi.spyOn(workbench.store.cluster, 'setSubmitting').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    const run = value<RunSummary>(
      await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
    );
    await expect.poll(() => workbench.supervisor.isBusy(run.id)).toBe(false);
    expect(terminal).toHaveBeenCalledWith(`Decorbench: Submitting run ${run.id} to Slurm failed: disk full`);
    expect(slurm.scripts).toEqual([]);
    expect(workbench.store.runs.summary(run.id)!.status).toBe('created');
  });

  it('deleting a study waits for the submission of its runs, then cancels their job array', async () => {
    const { workbench, slurm, profile } = await open();
    const study = value<StudySummary>(
      await workbench.dispatch('studies:create', { spec: tinyStudy(), start: true, profileId: profile.id }),
    );
    await expect.poll(() => slurm.waiting).toBe(1);
    let settled = false;
    const deleting = workbench
      .dispatch('studies:delete', { studyId: study.id })
      .finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
    const jobId = slurm.answer();
    expect(await deleting).toMatchObject({ ok: true });
    expect(slurm.cancelled.sort()).toEqual([`${jobId}_0`, `${jobId}_1`]);
    expect(workbench.store.runs.list({})).toEqual([]);
  }, 30_000);
});
