/**
 * The poller against the local one-node Slurm (tests/global-setup.ts) and the real worker of the
 * build: what happens to a placed run when its host dies, when Slurm requeues its job, and when its
 * worker dies on the node. In each case the store ends with every step once, as the journal has them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isActiveSlurmState, type ClusterProfile } from '@shared/cluster/types';
import type { RunConfigInput } from '@shared/config/run-config';
import type { RunSummary } from '@shared/runs';
import { createSlurmClient } from '../../../../src-main/cluster/slurm';
import type { Workbench } from '../../../../src-main/services/workbench';
import { readWholeJournal } from '../../../../src-main/workers/journal/journal-reader';
import type { SegmentEntry } from '../../../../src-main/workers/journal/format';
import { slurmSkipReason, testProfile, useSlurmEnv } from '../../../helpers/slurm';
import { waitFor, waitForJob } from '../../../helpers/slurm-jobs';
import { useTempDir } from '../../../helpers/temp-dir';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../../helpers/workbench';
import { call, inspect, startServe, type HostProcess } from '../../host/host-process';
import { value } from '../studies/study-helpers';

const skip = slurmSkipReason();
const STEPS = 300;

/** 16 steps an epoch, a checkpoint at each epoch's end: long enough to be interrupted mid-way. */
const longConfig = (name: string): RunConfigInput =>
  tinyConfig({ name, training: { epochs: 50, batchSize: 64, maxSteps: STEPS } });

const allSteps = Array.from({ length: STEPS }, (_, index) => index + 1);

/** The run's loss as the journal says it: per step, the value of its last (surviving) line. */
function journalLosses(runDir: string): {
  steps: number[];
  values: Map<number, number>;
  segments: SegmentEntry[];
} {
  const values = new Map<number, number>();
  const segments: SegmentEntry[] = [];
  for (const line of readWholeJournal(runDir)) {
    if (line.type === 'segment') {
      segments.push(line);
      // A new process trains the steps after its checkpoint again: their earlier values are void.
      for (const step of [...values.keys()]) if (step > (line.resumeStep ?? -1)) values.delete(step);
    }
    if (line.type === 'metrics')
      for (const point of line.points) if (point.name === 'loss') values.set(point.step, point.value);
  }
  return { steps: [...values.keys()].sort((a, b) => a - b), values, segments };
}

describe.skipIf(skip !== undefined)(
  `placed runs through host deaths, requeues and node failures${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    useSlurmEnv();
    const tempDir = useTempDir();
    const slurm = () => createSlurmClient();
    let workbench: Workbench | undefined;
    let host: HostProcess | undefined;
    const jobIds: string[] = [];
    afterEach(async () => {
      host?.child.kill('SIGKILL');
      host = undefined;
      for (const job of workbench?.store.cluster.jobs() ?? []) jobIds.push(job.jobId);
      await workbench?.close();
      workbench = undefined;
      for (const jobId of jobIds.splice(0))
        await slurm()
          .cancel(jobId)
          .catch(() => undefined);
    });

    const open = async (): Promise<{ workbench: Workbench; profile: ClusterProfile }> => {
      const dir = tempDir();
      workbench = testWorkbench(join(dir, 'cluster.sqlite'), { clusterPollMs: 250 });
      const settings = testProfile(join(dir, 'shared'));
      const profile = value<ClusterProfile>(await workbench.dispatch('cluster:profile-save', { settings }));
      return { workbench, profile };
    };

    const placeRun = async (workbench: Workbench, profile: ClusterProfile, name: string) =>
      value<RunSummary>(
        await workbench.dispatch('runs:create', {
          config: longConfig(name),
          start: true,
          profileId: profile.id,
        }),
      );

    /** Until the store holds a checkpoint of the run, while it still trains. */
    const withACheckpoint = (workbench: Workbench, runId: number) =>
      waitFor(
        'a stored checkpoint while the run trains',
        () => {
          const summary = workbench.store.runs.summary(runId)!;
          return summary.checkpointStep !== null && summary.status === 'running' ? summary : undefined;
        },
        240_000,
      );

    const expectEveryStepOnce = (workbench: Workbench, runId: number, runDir: string) => {
      const series = workbench.store.metrics.series(runId, 'loss');
      expect(series.steps).toEqual(allSteps);
      const journal = journalLosses(runDir);
      expect(series.values).toEqual(series.steps.map((step) => journal.values.get(step)));
      return journal;
    };

    it('a host killed mid-job (SIGKILL) and started again catches up: no step duplicated or missing', async () => {
      const dir = tempDir();
      const database = join(dir, 'killed-host.sqlite');
      const served = await startServe(database);
      host = served;
      const settings = testProfile(join(dir, 'shared'));
      const profile = await call<ClusterProfile>(served.url, 'cluster:profile-save', { settings });
      const run = await call<RunSummary>(served.url, 'runs:create', {
        config: longConfig('host killed'),
        start: true,
        profileId: profile.id,
      });
      const ingested = () => inspect(database, (store) => store.runs.summary(run.id)?.progress?.step ?? 0);
      await waitFor('steps ingested by the serve host', () => (ingested() >= 30 ? true : undefined), 240_000);
      served.child.kill('SIGKILL');
      await served.exited;
      host = undefined;
      const atKill = ingested();
      const { jobId, runDir } = inspect(database, (store) => ({
        jobId: store.cluster.currentJob(run.id)!.jobId,
        runDir: store.cluster.remoteRun(run.id)!.runDir,
      }));
      jobIds.push(jobId);
      // The job trains on with no host open, to its end.
      await waitForJob(slurm(), jobId, (job) => !isActiveSlurmState(job.state), 300_000);
      expect(atKill).toBeLessThan(STEPS);
      expect(readWholeJournal(runDir).at(-1)).toMatchObject({ type: 'done', outcome: 'completed' });

      workbench = testWorkbench(database, { clusterPollMs: 250 });
      const ended = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 60_000);
      expect(ended.error).toBeNull();
      expect(ended.status).toBe('completed');
      const { segments } = expectEveryStepOnce(workbench, run.id, runDir);
      // Lines are applied once across both hosts: the worker's own log lines too.
      const logs = workbench.store.logs.list(run.id, 0, 10_000).map((line) => line.message);
      const started = logs.filter((line) => line.startsWith(`Slurm job ${jobId} started on node`));
      expect(started).toEqual([
        `Slurm job ${jobId} started on node ${segments[0]!.node} (restart 0, pid ${segments[0]!.pid})`,
      ]);
      const journalLogs = readWholeJournal(runDir).filter((line) => line.type === 'log');
      for (const line of journalLogs)
        expect(logs.filter((message) => message === line.message)).toHaveLength(1);
      // The journal's end came first; the job is settled once Slurm reports it over.
      await expect.poll(() => workbench!.store.cluster.currentJob(run.id)!.settled).toBe(true);
    }, 600_000);

    it('a job Slurm requeues (scontrol requeue) resumes from its checkpoint (restarts=1) and completes with every step once', async () => {
      const { workbench, profile } = await open();
      const run = await placeRun(workbench, profile, 'requeued');
      await withACheckpoint(workbench, run.id);
      const { jobId } = workbench.store.cluster.currentJob(run.id)!;
      await slurm().requeue(jobId);
      // Slurm signals the job; its worker writes a stop checkpoint and the job goes back to
      // PENDING with a begin time 120 s away (the StartTime=now above came while it was still
      // ending): told again once pending, it starts at once.
      await waitForJob(slurm(), jobId, (job) => job.state === 'PENDING', 120_000);
      execFileSync('scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
      const ended = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 400_000);
      expect(ended.error).toBeNull();
      expect(ended.status).toBe('completed');
      expect(workbench.store.cluster.jobs({ runId: run.id })).toEqual([
        expect.objectContaining({ jobId, restarts: 1 }),
      ]);
      const { segments } = expectEveryStepOnce(workbench, run.id, ended.placement!.runDir);
      expect(segments.map((segment) => [segment.jobId, segment.restart])).toEqual([
        [jobId, 0],
        [jobId, 1],
      ]);
      expect(segments[0]!.resumeStep).toBeNull();
      expect(segments[1]!.resumeStep).toBeGreaterThan(0);
      const logs = workbench.store.logs.list(run.id, 0, 10_000).map((line) => line.message);
      expect(logs).toContain(
        `Slurm job ${jobId} started on node ${segments[1]!.node} (restart 1, pid ${segments[1]!.pid}); resuming from the checkpoint of step ${segments[1]!.resumeStep}`,
      );
    }, 600_000);

    it('a worker killed on its node (SIGKILL) leaves the run failed and resumable; resume completes it, nothing committed lost', async () => {
      const { workbench, profile } = await open();
      const run = await placeRun(workbench, profile, 'node failure');
      await withACheckpoint(workbench, run.id);
      const runDir = workbench.store.cluster.remoteRun(run.id)!.runDir;
      const [segment] = journalLosses(runDir).segments;
      process.kill(segment!.pid, 'SIGKILL');
      const failed = await waitForRun(
        workbench,
        run.id,
        hasStatus('failed', 'completed', 'stopped'),
        120_000,
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        new RegExp(
          `^Slurm job ${failed.placement!.jobId} ended FAILED on ${segment!.node} \\(exit \\d+:\\d+\\); resume continues from the checkpoint of step ${failed.checkpointStep}`,
        ),
      );
      // Every line the worker flushed before it died is in the store.
      const committed = journalLosses(runDir);
      expect(workbench.store.metrics.series(run.id, 'loss').steps).toEqual(committed.steps);
      expect(committed.steps.at(-1)!).toBeGreaterThanOrEqual(failed.checkpointStep!);

      value(await workbench.dispatch('runs:resume', { runId: run.id }));
      const ended = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 400_000);
      expect(ended.error).toBeNull();
      expect(ended.status).toBe('completed');
      const { segments } = expectEveryStepOnce(workbench, run.id, runDir);
      expect(segments.at(-1)!.resumeStep).toBe(failed.checkpointStep);
    }, 600_000);
  },
);
