/** `train --placement NAME` (issue 15): the CLI follows a run placed on the local Slurm, and stops it on Ctrl-C. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import { slurmSkipReason, SLURM_CONF, testProfile } from '../../../helpers/slurm';
import { useTempDir } from '../../../helpers/temp-dir';
import { BUILD_DIR, testWorkbench, tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

const skip = slurmSkipReason();

/** A database with one profile for the local Slurm, and a configuration file. */
async function prepare(dir: string, config: RunConfigInput): Promise<{ db: string; configPath: string }> {
  const db = join(dir, 'cli.sqlite');
  const workbench = testWorkbench(db);
  try {
    const saved = await workbench.dispatch('cluster:profile-save', {
      settings: testProfile(join(dir, 'shared')),
    });
    if (!saved.ok) throw new Error(saved.error.message);
  } finally {
    await workbench.close();
  }
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  return { db, configPath };
}

function runRow(db: string): { status: string; step: number } | undefined {
  const database = new Database(db, { readonly: true });
  try {
    const row = database.prepare('SELECT status, progress_json FROM runs WHERE id = 1').get() as
      { status: string; progress_json: string | null } | undefined;
    if (!row) return undefined;
    const progress = row.progress_json ? (JSON.parse(row.progress_json) as { step?: number }) : {};
    return { status: row.status, step: progress.step ?? 0 };
  } finally {
    database.close();
  }
}

describe.skipIf(skip !== undefined)(`train --placement NAME${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const tempDir = useTempDir();
  const env = { ...process.env, SLURM_CONF };

  it('names the known profiles when the name is unknown, and writes no run', async () => {
    const { db, configPath } = await prepare(tempDir(), tinyConfig());
    const result = cli(['train', '--config', configPath, '--placement', 'nope', '--db', db]);
    expect(result.code, result.stderr).toBe(2); // a usage error
    expect(result.stderr).toMatch(/No cluster profile is named "nope"; the profiles are: local-slurm/u);
    const database = new Database(db, { readonly: true });
    expect(database.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    database.close();
  });

  it('trains a placed run to completion, then one stopped by Ctrl-C with a checkpoint', async () => {
    const dir = tempDir();
    const { db, configPath } = await prepare(dir, tinyConfig());
    const done = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(BUILD_DIR, 'cli.js'),
          'train',
          '--config',
          configPath,
          '--placement',
          'local-slurm',
          '--db',
          db,
        ],
        { env },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/Run 1 "tiny" \(bt\) on Slurm profile local-slurm/u);
    expect(done.stdout).toMatch(/^Run 1 completed/mu);
    // The terminal says where the job is (submitted: PENDING; then RUNNING on its node, if a poll saw it).
    expect(done.stderr).toMatch(/^Slurm job \d+: PENDING/mu);

    const longPath = join(dir, 'long.json');
    writeFileSync(
      longPath,
      JSON.stringify(
        tinyConfig({
          training: { epochs: 40, batchSize: 64, maxSteps: 600 },
          // No scheduled checkpoints: the one it has is the stop's.
          checkpoint: { everyEpochs: 0 },
        }),
      ),
    );
    const fresh = await prepare(tempDir(), tinyConfig());
    const child = spawn(
      process.execPath,
      [
        join(BUILD_DIR, 'cli.js'),
        'train',
        '--config',
        longPath,
        '--placement',
        'local-slurm',
        '--db',
        fresh.db,
      ],
      { env },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 120_000;
    while ((runRow(fresh.db)?.step ?? 0) < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(
      /Stopping \(SIGINT\): Slurm job \d+ saves a checkpoint after its current step; it is cancelled if it takes over 10 s/u,
    );
    expect(runRow(fresh.db)?.status).toBe('stopped');
    const database = new Database(fresh.db, { readonly: true });
    const last = database
      .prepare('SELECT step, reason FROM checkpoints WHERE run_id = 1 ORDER BY step DESC LIMIT 1')
      .get() as { step: number; reason: string } | undefined;
    const trained = database
      .prepare("SELECT max(step) AS step FROM metric_points WHERE run_id = 1 AND name = 'loss'")
      .get() as { step: number };
    database.close();
    expect(last).toEqual({ step: trained.step, reason: 'stop' });
  }, 300_000);
});
