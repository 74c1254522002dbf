import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWholeJournal } from '../../../../src-main/workers/journal/journal-reader';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

describe('worker --run-dir (real process)', () => {
  const tempDir = useTempDir();

  it('says what it is for and how it exits', () => {
    const help = cli(['worker', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Slurm job script/);
    expect(help.stdout).toMatch(/75/);
    expect(cli(['--help']).stdout).toMatch(/worker\s+Train the run of a cluster run folder/);
  });

  it('without --run-dir: a usage error', () => {
    const result = cli(['worker']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Give the run folder: --run-dir DIR/);
  });

  it('a folder without job.json fails with a clear message, also in its journal', () => {
    const dir = tempDir();
    const result = cli(['worker', '--run-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'job.json')} is missing`);
    // Read as plain lines: the journal reader refuses a folder without job.json (an unmounted share).
    const lines = readFileSync(join(dir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; message?: string });
    expect(lines).toMatchObject([{ type: 'failed', message: expect.stringMatching(/job.json is missing/) }]);
  });

  it('an invalid config in job.json says which field', () => {
    const dir = tempDir();
    const config = { ...tinyConfig(), training: { epochs: 0 } };
    writeFileSync(
      join(dir, 'job.json'),
      JSON.stringify({ version: 1, runId: 3, name: 'x', config, resourcesDir: '/r' }),
    );
    const result = cli(['worker', '--run-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/job.json has an invalid config: training.epochs/);
    expect(readWholeJournal(dir).at(-1)?.type).toBe('failed');
  });

  it('a missing folder: exit 1, and no folder is made', () => {
    const dir = join(tempDir(), 'absent');
    const result = cli(['worker', '--run-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/is missing/);
    expect(existsSync(dir)).toBe(false);
  });
});
