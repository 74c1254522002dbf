import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterProfile } from '@shared/cluster/types';
import type { RunSummary } from '@shared/runs';
import type { StudyDetail, StudySummary } from '@shared/study/types';
import { createSlurmClient } from '../../../../src-main/cluster/slurm';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../../helpers/workbench';
import { tinyStudy, value } from '../studies/study-helpers';

const count = (workbench: Workbench, table: string) =>
  (workbench.store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('placing runs and studies on a cluster profile (issue 15)', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  const addProfile = async (name: string, runFolder: string): Promise<ClusterProfile> =>
    value<ClusterProfile>(
      await workbench!.dispatch('cluster:profile-save', {
        settings: { name, runFolder, partition: 'debug' },
      }),
    );

  it('runs:create places the run with its folder and the settings of that moment', async () => {
    const dir = tempDir();
    workbench = testWorkbench(join(dir, 'place.sqlite'));
    const profile = await addProfile('gpu', join(dir, 'shared'));
    const run = value<RunSummary>(
      await workbench.dispatch('runs:create', { config: tinyConfig(), profileId: profile.id }),
    );
    expect(run.status).toBe('created');
    expect(run.placement).toEqual({
      kind: 'slurm',
      profileId: profile.id,
      profileName: 'gpu',
      runDir: join(dir, 'shared', `run-${run.id}`),
      jobId: null,
      slurmState: null,
      node: null,
      reason: null,
      restarts: 0,
    });
    // A later edit of the profile does not move a placed run.
    await workbench.dispatch('cluster:profile-save', {
      id: profile.id,
      settings: { ...profile.settings, runFolder: '/elsewhere', partition: 'other' },
    });
    const placed = workbench.store.cluster.remoteRun(run.id)!;
    expect(placed.runDir).toBe(join(dir, 'shared', `run-${run.id}`));
    expect(placed.settings.partition).toBe('debug');

    const local = value<RunSummary>(await workbench.dispatch('runs:create', { config: tinyConfig() }));
    expect(local.placement ?? null).toBeNull();
  });

  it('an unknown profile is refused by name, with nothing written', async () => {
    const dir = tempDir();
    workbench = testWorkbench(join(dir, 'unknown.sqlite'));
    await addProfile('gpu', join(dir, 'shared'));
    const result = await workbench.dispatch('runs:create', {
      config: tinyConfig(),
      profileId: 99,
      start: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!result.ok && result.error.message).toMatch(
      /^Cluster profile 99 does not exist; profiles: \d+ \(gpu\)$/,
    );
    const study = await workbench.dispatch('studies:create', { spec: tinyStudy(), profileId: 99 });
    expect(study).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(count(workbench, 'runs') + count(workbench, 'studies') + count(workbench, 'remote_runs')).toBe(0);
  });

  it("without Slurm's commands a placed run fails at once, saying what is missing", async () => {
    const dir = tempDir();
    workbench = testWorkbench(join(dir, 'no-slurm.sqlite'), {
      slurm: createSlurmClient({ env: { PATH: join(dir, 'empty') } }),
      cliEntry: join(dir, 'cli.js'),
    });
    mkdirSync(join(dir, 'shared'));
    const profile = await addProfile('gpu', join(dir, 'shared'));
    const run = value<RunSummary>(
      await workbench.dispatch('runs:create', { config: tinyConfig(), start: true, profileId: profile.id }),
    );
    const ended = await waitForRun(workbench, run.id, hasStatus('failed', 'completed'), 10_000);
    expect(ended.error).toMatch(/^Slurm did not take the job: sbatch was not found on PATH/u);
    // Its folder was prepared for the worker all the same.
    expect(existsSync(join(dir, 'shared', `run-${run.id}`, 'job.json'))).toBe(true);
    expect(workbench.supervisor.isBusy(run.id)).toBe(false);
  });

  it('studies:create places every run of the grid, and the study names its profile', async () => {
    const dir = tempDir();
    workbench = testWorkbench(join(dir, 'study.sqlite'));
    const profile = await addProfile('a100', join(dir, 'shared'));
    const created = value<StudySummary>(
      await workbench.dispatch('studies:create', { spec: tinyStudy({ seeds: 2 }), profileId: profile.id }),
    );
    expect(created.profileName).toBe('a100');
    const detail = value<StudyDetail>(await workbench.dispatch('studies:get', { studyId: created.id }));
    expect(detail.profileName).toBe('a100');
    expect(detail.runs).toHaveLength(4);
    for (const { run } of detail.runs) {
      expect(run.placement).toMatchObject({
        profileName: 'a100',
        runDir: join(dir, 'shared', `run-${run.id}`),
      });
    }
    expect(workbench.store.cluster.studyProfileId(created.id)).toBe(profile.id);
    // Its runs keep the profile's name once the profile is gone.
    await workbench.dispatch('cluster:profile-remove', { id: profile.id });
    const after = value<StudySummary>(await workbench.dispatch('studies:get', { studyId: created.id }));
    expect(after.profileName).toBe('a100');

    const local = value<StudySummary>(await workbench.dispatch('studies:create', { spec: tinyStudy() }));
    expect(local.profileName ?? null).toBeNull();
  });
});
