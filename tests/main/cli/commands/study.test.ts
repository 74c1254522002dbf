import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../helpers/temp-dir';
import { BUILD_DIR, tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

/** A smoke-sized base: an MLP on 512 embedded images, a few steps per run. */
function tinyBase(steps: number) {
  return tinyConfig({
    name: 'tiny',
    dataset: { source: 'embedded', trainLimit: 512 },
    training: { epochs: Math.ceil(steps / 8), batchSize: 64, maxSteps: steps },
  });
}

/** A study spec file over the tiny base: a 2-epoch linear evaluation of each run keeps it short. */
function writeSpec(dir: string, steps: number, linear: boolean): string {
  const path = join(dir, `study-${steps}.json`);
  const evaluation = linear ? { linear: true, linearSettings: { epochs: 2 } } : {};
  writeFileSync(path, JSON.stringify({ name: 'tiny study', base: tinyBase(steps), evaluation }));
  return path;
}

describe('study commands (real processes, real workers, real database file)', () => {
  const tempDir = useTempDir();

  it('previews an invalid grid with each invalid run’s issues, exits 1 and writes nothing', () => {
    const dir = tempDir();
    const db = join(dir, 'never.sqlite');
    const base = join(dir, 'base.json');
    writeFileSync(base, JSON.stringify(tinyBase(6)));
    // d = 64: a block of 128 is invalid, so two of the four runs are.
    const result = cli([
      'study',
      'create',
      '--base',
      base,
      '--vary',
      'loss.name=fft-bt',
      '--vary',
      'loss.blockSize=8,128',
      '--seeds',
      '2',
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Study "tiny": 4 runs, 2 invalid/u);
    expect(result.stdout).toMatch(/^3\s+fft-bt\s+128\s+0\s+-\s+-\s+INVALID$/mu);
    expect(result.stdout).toContain(
      '#4 tiny · loss.name=fft-bt · loss.blockSize=128 · seed 1: loss.blockSize: Block size must be at most the embedding dimension d = 64',
    );
    expect(existsSync(db)).toBe(false);

    // A value that is not of the field's type, and a field that does not exist: refused the same way.
    const typed = cli(['study', 'create', '--base', base, '--vary', 'training.epochs=1,two', '--db', db]);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/^training\.epochs: "two" is not a number/u);
    const unknown = cli(['study', 'create', '--base', base, '--vary', 'loss.lambd=0.01', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('loss.lambd: unknown field; did you mean loss.lambda?');
    expect(existsSync(db)).toBe(false);
  });

  it('creates and follows a 2-run study with its linear evaluations, then shows, reports and deletes it', () => {
    const dir = tempDir();
    const db = join(dir, 'study.sqlite');
    const spec = writeSpec(dir, 6, true);
    const run = cli(
      ['study', 'create', '--base', spec, '--vary', 'loss.name=bt,fft-bt', '--start', '--db', db],
      240_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Study "tiny study": 2 runs\n/u);
    expect(run.stdout).toMatch(/^2\s+fft-bt\s+0\s+fft-bt\s+64\s+ok$/mu);
    expect(run.stdout).toMatch(/^Estimate: /mu);
    expect(run.stderr).toMatch(/runs queued in .*, 2 at a time/u);
    expect(run.stderr).toMatch(/run 1 started "tiny study · loss\.name=bt · seed 0"/u);
    expect(run.stderr).toMatch(
      /run 2 completed "tiny study · loss\.name=fft-bt · seed 0"; kNN top-1 [\d.]+% -> [\d.]+%/u,
    );
    expect(run.stderr).toMatch(/linear evaluation of run 1 .* completed: top-1 [\d.]+%/u);
    expect(run.stderr).toMatch(/2\/2 completed; evaluations 2\/2 done\n/u);
    // The report, as Markdown, after the runs and evaluations ended.
    expect(run.stdout).toMatch(/^## tiny study \(study 1\)$/mu);
    expect(run.stdout).toMatch(/^\| BT \| — \| — \| 64 \| /mu);
    expect(run.stdout).toMatch(/^\| sBT \| 64 \| on \| 64 \| /mu);

    const csv = cli(['study', 'show', '1', '--report', 'csv', '--db', db]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^method,loss,block_size,permutation,d,/u);
    expect(lines[1]).toMatch(/^BT,bt,,,64,1,1,/u);
    expect(lines[2]).toMatch(/^sBT,fft-bt,64,batch,64,1,1,/u);

    const list = cli(['study', 'list', '--db', db]);
    expect(list.stdout).toMatch(
      /^1\s+tiny study\s+completed\s+2\/2 completed; evaluations 2\/2 done\s+loss\.name \(2\)\s+1\s/mu,
    );
    const show = cli(['study', 'show', '1', '--db', db]);
    expect(show.stdout).toMatch(/Axes: loss\.name = bt, fft-bt/u);
    expect(show.stdout).toMatch(/^2\s+fft-bt\s+0\s+completed\s+6\/6\s+[\d.]+%\s+[\d.]+%$/mu);

    const deleted = cli(['study', 'delete', '1', '--db', db]);
    expect(deleted.stdout).toBe('Deleted study 1 "tiny study" and its 2 runs (1, 2)\n');
    expect(cli(['study', 'list', '--db', db]).stdout).toMatch(/^No studies yet/u);
    expect(cli(['runs', 'list', '--db', db]).stdout).toMatch(/^No runs yet/u);
    expect(cli(['study', 'show', '1', '--db', db])).toMatchObject({
      code: 1,
      stderr: 'Study 1 does not exist\n',
    });
  }, 300_000);

  it('stops the whole study on Ctrl-C with checkpoints, and study resume finishes it', async () => {
    const dir = tempDir();
    const db = join(dir, 'stop.sqlite');
    const spec = writeSpec(dir, 400, false);
    const child = spawn(process.execPath, [
      join(BUILD_DIR, 'cli.js'),
      'study',
      'create',
      '--base',
      spec,
      '--vary',
      'loss.name=bt,vicreg',
      '--max-concurrent-runs',
      '1',
      '--start',
      '--db',
      db,
    ]);
    let stderr = '';
    let interrupting = false;
    child.stderr.setEncoding('utf8');
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        // Interrupt once the first run is under way: 400 steps take far longer than 1.5 s, even on a fast machine.
        // One Ctrl-C only: a second one would kill the workers without their stop checkpoint.
        if (/run 1 started/u.test(stderr) && !interrupting) {
          interrupting = true;
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      });
      child.on('exit', resolve);
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/Stopping the study \(SIGINT\)/u);
    expect(stderr).toMatch(/run 1 stopped/u);
    expect(stderr).toMatch(/0\/2 completed, 2 stopped/u);
    const stopped = cli(['study', 'show', '1', '--db', db]);
    expect(stopped.stdout).toMatch(/^1\s+bt\s+0\s+stopped\s+\d+\/400/mu);
    expect(stopped.stdout).toMatch(/^2\s+vicreg\s+0\s+stopped\s+-/mu);

    const resumed = cli(['study', 'resume', '1', '--db', db, '--json'], 240_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/2\/2 completed\n/u);
    const report = JSON.parse(resumed.stdout);
    expect(
      report.rows.map((row: { method: string; completed: number }) => [row.method, row.completed]),
    ).toEqual([
      ['BT', 1],
      ['VICReg', 1],
    ]);
  }, 300_000);

  it('lists the study presets and documents the concurrency while following', () => {
    const presets = cli(['study', 'presets']);
    expect(presets.stdout).toMatch(/^paper-fashion-mnist \(15 runs\)$/mu);
    expect(presets.stdout).toMatch(/^paper-cifar10 \(15 runs\)$/mu);
    expect(cli(['study', 'create', '--help']).stdout).toMatch(
      /runs at a time while this process follows the study \(default 2\)/u,
    );
    expect(cli(['study', 'show', 'x']).code).toBe(2);
    expect(cli(['--help']).stdout).toMatch(/study create\s+Create a study/u);
  });
});
