/** `cluster profile add|list|remove|check` and `cluster jobs`, run as the built CLI in real processes. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slurmProfileSchema } from '@shared/cluster/profile-schema';
import type { ClusterProfile } from '@shared/cluster/types';
import { runConfigSchema } from '@shared/config/run-config';
import { RunStore } from '../../../../src-main/storage/store';
import { slurmSkipReason, useSlurmEnv } from '../../../helpers/slurm';
import { useTempDir } from '../../../helpers/temp-dir';
import { cli } from '../run-cli';

const skip = slurmSkipReason();

describe('cluster profile commands', () => {
  const tempDir = useTempDir('decorbench-cli-cluster-');

  it('refuses a profile with each wrong value named by its option, and saves nothing', () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    const wrong = cli([
      'cluster',
      'profile',
      'add',
      'two words',
      '--run-folder',
      'relative/runs',
      '--gpus',
      '99',
      '--cpus',
      '0',
      '--time',
      '4h',
      '--partition',
      'gpu nodes',
      '--sbatch-arg',
      'qos=high',
      '--db',
      db,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toEqual([
      'NAME: One word: letters, digits, _, - and . (it is what --placement NAME takes)',
      '--partition: A partition name has no spaces or quotes',
      '--gpus: Too big: expected number to be <=64',
      '--cpus: Too small: expected number to be >=1',
      '--time: A time limit as Slurm writes it: 90, 04:00:00 or 2-00:00:00',
      '--sbatch-arg: Each extra argument is an sbatch option, e.g. --qos=high',
      '--run-folder: An absolute path on shared storage, the same on this machine and the nodes',
    ]);
    expect(existsSync(db)).toBe(false);

    // "local" is --placement's word for this machine: a profile of that name could never be chosen.
    const reserved = cli(['cluster', 'profile', 'add', 'Local', '--run-folder', dir, '--db', db]);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr.trim()).toBe(
      'NAME: "local" means this machine (--placement local); choose another name',
    );
    expect(existsSync(db)).toBe(false);

    const notNumber = cli([
      'cluster',
      'profile',
      'add',
      'p',
      '--run-folder',
      dir,
      '--gpus',
      'two',
      '--db',
      db,
    ]);
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toMatch(
      /^--gpus takes a whole number, not "two"\n\nUsage: npm run cli -- cluster profile add/u,
    );
    const noFolder = cli(['cluster', 'profile', 'add', 'p', '--db', db]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/^Give --run-folder DIR/u);
  });

  it('adds, lists, refuses a second profile of the same name, and removes', () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    const runs = join(dir, 'runs');
    const added = cli([
      'cluster',
      'profile',
      'add',
      'a100',
      '--run-folder',
      runs,
      '--partition',
      'gpu',
      '--gpus',
      '2',
      '--gpu-type',
      'a100',
      '--cpus',
      '8',
      '--mem',
      '64',
      '--time',
      '04:00:00',
      '--account',
      'lab',
      '--sbatch-arg=--qos=high',
      '--sbatch-arg=--constraint=ib',
      '--setup',
      'module load nodejs/20',
      '--setup',
      'export TF_CPP_MIN_LOG_LEVEL=2',
      '--node-command',
      '/shared/node/bin/node',
      '--cli-path',
      '/shared/decorbench/out/main/cli.js',
      '--no-requeue',
      '--stop-grace',
      '300',
      '--db',
      db,
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const profile = JSON.parse(added.stdout) as ClusterProfile;
    expect(profile.settings).toEqual({
      name: 'a100',
      partition: 'gpu',
      gpusPerJob: 2,
      gpuType: 'a100',
      cpusPerTask: 8,
      memoryGb: 64,
      timeLimit: '04:00:00',
      account: 'lab',
      extraArgs: ['--qos=high', '--constraint=ib'],
      setup: 'module load nodejs/20\nexport TF_CPP_MIN_LOG_LEVEL=2',
      nodeCommand: '/shared/node/bin/node',
      cliPath: '/shared/decorbench/out/main/cli.js',
      runFolder: runs,
      requeue: false,
      stopGraceSeconds: 300,
    });

    const plain = cli(['cluster', 'profile', 'add', 'cpu', '--run-folder', runs, '--db', db]);
    expect(plain.stdout).toBe(`Added profile "cpu" (2): partition (default), 4 CPU, run folder ${runs}\n`);
    const again = cli(['cluster', 'profile', 'add', 'cpu', '--run-folder', runs, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('A profile named "cpu" exists already\n');

    const list = cli(['cluster', 'profile', 'list', '--db', db]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^name\s+partition\s+gpus\s+cpus\s+mem\s+time\s+requeue\s+run folder\s+runs\s+queued\/running$/u,
    );
    expect(lines[2]).toMatch(
      new RegExp(`^a100\\s+gpu\\s+2:a100\\s+8\\s+64G\\s+04:00:00\\s+no\\s+${runs}\\s+0\\s+0$`, 'u'),
    );
    expect(lines[3]).toMatch(
      new RegExp(`^cpu\\s+\\(default\\)\\s+-\\s+4\\s+-\\s+-\\s+yes\\s+${runs}\\s+0\\s+0$`, 'u'),
    );

    expect(cli(['cluster', 'profile', 'remove', 'a100', '--db', db]).stdout).toBe('Removed profile "a100"\n');
    const gone = cli(['cluster', 'profile', 'remove', 'a100', '--db', db]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('No cluster profile named "a100" (profiles: cpu)\n');
    const json = JSON.parse(
      cli(['cluster', 'profile', 'list', '--db', db, '--json']).stdout,
    ) as ClusterProfile[];
    expect(json.map((item) => item.settings.name)).toEqual(['cpu']);
  });

  it("lists the jobs Decorbench submitted with Slurm's state, node and exit code", () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    expect(cli(['cluster', 'jobs', '--db', db]).stdout).toBe('No jobs submitted yet.\n');
    // A finished placed run with two jobs (its second start resumed it), as the poller leaves them.
    const store = RunStore.open(db);
    const profile = store.cluster.addProfile(
      slurmProfileSchema.parse({ name: 'vm', runFolder: join(dir, 'runs') }),
    );
    const run = store.runs.create(runConfigSchema.parse({ name: 'placed' }));
    store.cluster.placeRun(run.id, profile, join(dir, 'runs', `run-${run.id}`));
    const first = store.cluster.addJob(run.id, { jobId: '41' });
    store.cluster.observeJob(first.id, { state: 'TIMEOUT', polledAt: 1, node: 'node7', exitCode: '0:15' });
    store.cluster.settleJob(first.id);
    const second = store.cluster.addJob(run.id, { jobId: '57' });
    store.cluster.observeJob(second.id, {
      state: 'COMPLETED',
      polledAt: 2,
      node: 'node3',
      exitCode: '0:0',
      restarts: 1,
    });
    store.cluster.settleJob(second.id);
    store.runs.setStatus(run.id, { status: 'completed' });
    store.close();

    const jobs = cli(['cluster', 'jobs', '--db', db]);
    expect(jobs.code, jobs.stderr).toBe(0);
    const lines = jobs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^job\s+run\s+name\s+status\s+profile\s+slurm state\s+node\s+exit\s+restarts\s+submitted \(UTC\)\s+reason$/u,
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^57\\s+${run.id}\\s+placed\\s+completed\\s+vm\\s+COMPLETED\\s+node3\\s+0:0\\s+1\\s+\\d{4}-`,
        'u',
      ),
    );
    expect(lines[3]).toMatch(
      new RegExp(`^41\\s+${run.id}\\s+placed\\s+completed\\s+vm\\s+TIMEOUT\\s+node7\\s+0:15\\s+0\\s+`, 'u'),
    );
    expect(cli(['cluster', 'jobs', '--run', String(run.id + 1), '--db', db]).stdout).toBe(
      `Run ${run.id + 1} has no Slurm jobs.\n`,
    );
    expect(cli(['cluster', 'jobs', '--run', 'x', '--db', db]).code).toBe(2);
  });
});

describe.skipIf(skip)(`cluster profile check on the local Slurm${skip ? ` (skipped: ${skip})` : ''}`, () => {
  useSlurmEnv();
  const tempDir = useTempDir('decorbench-cli-cluster-');

  it('checks a profile, and add --check saves only one that passes', () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    const wrong = cli([
      'cluster',
      'profile',
      'add',
      'wrong',
      '--run-folder',
      dir,
      '--partition',
      'nope',
      '--check',
      '--db',
      db,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('FAIL  Partition: No partition "nope" on this cluster (it has: debug)\n');
    expect(wrong.stderr).toContain('The profile is not saved');
    expect(cli(['cluster', 'profile', 'list', '--db', db, '--json']).stdout).toBe('[]\n');

    const good = cli([
      'cluster',
      'profile',
      'add',
      'vm',
      '--run-folder',
      dir,
      '--partition',
      'debug',
      '--cpus',
      '1',
      '--check',
      '--db',
      db,
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toContain('ok    Partition: Partition "debug" is up\n');
    const check = cli(['cluster', 'profile', 'check', 'vm', '--db', db]);
    expect(check.code, check.stderr).toBe(0);
    expect(
      check.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[0]),
    ).toEqual([
      'ok    Slurm',
      'ok    Partition',
      'ok    Run folder',
      'ok    Decorbench on the nodes',
      'ok    Node',
    ]);
    expect(cli(['cluster', 'profile', 'check', 'other', '--db', db]).code).toBe(1);
  });
});
