import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { BUILD_DIR, requireBuild, tinyConfig } from '../../helpers/workbench';

/** The real CLI process (`node out/main/cli.js`), as a user runs it. */
function cli(args: string[], cwd?: string) {
  requireBuild();
  const result = spawnSync(process.execPath, [join(BUILD_DIR, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('train --config refuses what it cannot run, and writes nothing', () => {
  const tempDir = useTempDir();

  it("names misspelled fields with the nearest known ones (the issue's example)", () => {
    const dir = tempDir();
    const config = join(dir, 'typos.json');
    const { loss: _loss, optimizer: _optimizer, ...rest } = tinyConfig();
    writeFileSync(
      config,
      JSON.stringify({
        ...rest,
        loss: { name: 'fft-bt', blocksize: 8, lamda: 0.01 },
        optimiser: { name: 'sgd' },
      }),
    );
    const db = join(dir, 'never.sqlite');
    const train = cli(['train', '--config', config, '--db', db]);
    expect(train.code).toBe(2);
    expect(train.stderr).toContain('loss.blocksize: unknown field; did you mean loss.blockSize?');
    expect(train.stderr).toContain('loss.lamda: unknown field; did you mean loss.lambda?');
    expect(train.stderr).toContain('optimiser: unknown field; did you mean optimizer?');
    expect(existsSync(db)).toBe(false);
  });

  it('makes a missing dataset folder an error of dataset.path, with no run created', () => {
    const dir = tempDir();
    const config = join(dir, 'idx.json');
    writeFileSync(config, JSON.stringify(tinyConfig({ dataset: { source: 'idx', path: 'no/such/folder' } })));
    const db = join(dir, 'never.sqlite');
    const train = cli(['train', '--config', config, '--db', db], dir);
    expect(train.code).toBe(2);
    expect(train.stderr).toContain(
      `dataset.path: No such folder: no/such/folder (${join(dir, 'no/such/folder')})`,
    );
    expect(existsSync(db)).toBe(false);
    // A preset whose data is not here says so too, instead of leaving a failed run.
    const preset = cli(['train', '--preset', 'cifar10-bt', '--db', db], dir);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/dataset\.path: No such folder: datasets\/cifar-10-batches-bin/);
    expect(existsSync(db)).toBe(false);
  });
});
