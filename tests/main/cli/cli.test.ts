import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { BUILD_DIR, requireBuild, tinyConfig } from '../../helpers/workbench';

function cli(args: string[]) {
  requireBuild();
  const result = spawnSync(process.execPath, [join(BUILD_DIR, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the command line (real processes, real database file)', () => {
  const tempDir = useTempDir();

  it('prints help and refuses unknown commands', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/train\s+Train one run/);
    expect(cli(['train', '--help']).stdout).toMatch(/--preset NAME/);
    const unknown = cli(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "fly"/);
  });

  it('trains a run to completion and ends with a JSON summary line', () => {
    const db = join(tempDir(), 'cli.sqlite');
    const config = join(tempDir(), 'run.json');
    writeFileSync(config, JSON.stringify(tinyConfig({ name: 'from a file' })));
    const train = cli(['train', '--config', config, '--db', db, '--json']);
    expect(train.code, train.stderr).toBe(0);
    const last = JSON.parse(train.stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ runId: 1, status: 'completed', backend: 'wasm', steps: 12 });
    expect(last.durationMs).toBeGreaterThan(0);
    expect(last.metrics.loss).toEqual(expect.any(Number));
    expect(train.stderr).toMatch(/100% 12\/12/);

    const list = cli(['runs', 'list', '--db', db]);
    expect(list.stdout).toMatch(/1\s+from a file\s+completed\s+bt\s+wasm/);
    const show = cli(['runs', 'show', '1', '--db', db]);
    expect(show.stdout).toMatch(/status\s+completed/);
    expect(show.stdout).toMatch(/"name": "from a file"/);

    const out = join(tempDir(), 'metrics.csv');
    expect(cli(['runs', 'export', '1', '--format', 'csv', '--out', out, '--db', db]).code).toBe(0);
    const csv = spawnSync('cat', [out], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(csv[0]!.split(',')).toEqual(expect.arrayContaining(['step', 'loss', 'learning_rate']));
    expect(csv[0]!.split(',')).toContain('knn/top1');
    expect(csv).toHaveLength(14); // header, step 0 (the kNN at initialisation) and 12 steps
    expect(csv[1]!.startsWith('0,')).toBe(true);
    expect(csv[2]!.startsWith('1,')).toBe(true);
  });

  it('rejects a bad configuration field by field and writes nothing', () => {
    const db = join(tempDir(), 'never.sqlite');
    const config = join(tempDir(), 'bad.json');
    writeFileSync(
      config,
      JSON.stringify({ name: 'bad', loss: { name: 'fft-bt', q: 3 }, training: { epochs: 0 } }),
    );
    const result = cli(['train', '--config', config, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/loss\.q: q must be 1 or 2/);
    expect(result.stderr).toMatch(/training\.epochs: /);
    expect(existsSync(db)).toBe(false);
  });

  it('gives clear errors for bad arguments', () => {
    expect(cli(['train', '--preset', 'nope']).stderr).toMatch(/Unknown preset "nope"; known: quickstart/);
    expect(cli(['train']).stderr).toMatch(/exactly one of --config FILE or --preset NAME/);
    expect(cli(['train', '--config', '/nonexistent.json']).stderr).toMatch(/Cannot read \/nonexistent.json/);
    expect(cli(['runs', 'show', 'abc']).code).toBe(2);
    expect(cli(['runs', 'export', '1', '--format', 'xlsx']).stderr).toMatch(/supported: csv/);
    expect(cli(['train', '--preset', 'smoke', '--epochs', '3']).stderr).toMatch(/Unknown option '--epochs'/);
  });

  it('train --auto-resume continues an interrupted run with the same configuration', async () => {
    const db = join(tempDir(), 'auto.sqlite');
    const config = join(tempDir(), 'auto.json');
    const settings = tinyConfig({
      name: 'auto',
      training: { epochs: 30, batchSize: 64, maxSteps: 200 },
      checkpoint: { everyEpochs: 0, everySteps: 10, keepLast: 2, keepBest: true },
    });
    writeFileSync(config, JSON.stringify(settings));
    const host = spawn(
      process.execPath,
      [join(BUILD_DIR, 'cli.js'), 'train', '--config', config, '--db', db],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let output = '';
    host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lastStep = () =>
      Math.max(0, ...[...output.matchAll(/ (\d+)\/200 /g)].map((match) => Number(match[1])));
    await expect.poll(lastStep, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(30);
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the orphaned worker exits

    const resumed = cli(['train', '--config', config, '--db', db, '--auto-resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming run 1 "auto" at step \d+/);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      runId: 1,
      status: 'completed',
      steps: 200,
    });
    // Without an interrupted twin it starts a new run.
    const fresh = cli(['train', '--config', config, '--db', db, '--auto-resume', '--json']);
    expect(JSON.parse(fresh.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      runId: 2,
      status: 'completed',
    });
  });

  it('runs the store benchmark', () => {
    const result = cli(['bench', 'store', '--steps', '2000', '--series', '3', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ points: 6000, seriesPoints: 2000 });
  });
});
