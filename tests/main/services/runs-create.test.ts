import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { testWorkbench, tinyConfig } from '../../helpers/workbench';

/** Runs in the database file, read through a connection of its own. */
function runRowsOnDisk(path: string): number {
  const database = new Database(path, { readonly: true });
  try {
    return (database.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    database.close();
  }
}

describe('runs:create refuses a configuration it cannot run, before writing anything', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('names a misspelled field, with the nearest known one, and creates no run', async () => {
    const path = join(tempDir(), 'api.sqlite');
    workbench = testWorkbench(path);
    const config = { ...tinyConfig(), loss: { name: 'fft-bt', blocksize: 8, lamda: 0.01 }, optimiser: {} };
    const result = await workbench.dispatch('runs:create', { config, start: true });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        fields: {
          'loss.blocksize': 'unknown field; did you mean loss.blockSize?',
          'loss.lamda': 'unknown field; did you mean loss.lambda?',
          optimiser: 'unknown field; did you mean optimizer?',
        },
      },
    });
    expect(!result.ok && result.error.message).toMatch(
      /loss\.blocksize: unknown field; did you mean loss\.blockSize\?/,
    );
    expect(runRowsOnDisk(path)).toBe(0);
  });

  it('refuses unknown fields of the call itself, __proto__ included', async () => {
    workbench = testWorkbench(join(tempDir(), 'call.sqlite'));
    const body = JSON.parse('{"config":{"name":"x"},"__proto__":{"start":true},"strat":true}');
    const result = await workbench.dispatch('runs:create', body);
    expect(result.ok).toBe(false);
    const fields = result.ok ? {} : result.error.fields!;
    expect(Object.keys(fields).sort()).toEqual(['__proto__', 'strat']);
    expect(fields['__proto__']).toMatch(/^unknown field/);
    expect(fields.strat).toBe('unknown field; did you mean start?');
  });

  it('makes a missing dataset folder a field error, not a failed run', async () => {
    const path = join(tempDir(), 'paths.sqlite');
    workbench = testWorkbench(path);
    const missing = join(tempDir(), 'fashion-mnist');
    const config = tinyConfig({ dataset: { source: 'idx', path: missing } });
    const result = await workbench.dispatch('runs:create', { config, start: true });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: `The dataset cannot be used (dataset.path: No such folder: ${missing})`,
        fields: { 'dataset.path': `No such folder: ${missing}` },
      },
    });
    expect(workbench.store.runs.list()).toEqual([]);
    expect(runRowsOnDisk(path)).toBe(0);
    // The same configuration on the embedded data is created (the check is about the folder only).
    const created = await workbench.dispatch('runs:create', { config: tinyConfig(), start: false });
    expect(created.ok).toBe(true);
    expect(runRowsOnDisk(path)).toBe(1);
  });
});
