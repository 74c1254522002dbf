import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRunArchive, MAX_BLOB_BYTES } from '../../../src-main/export/archive-import';
import { RunStore } from '../../../src-main/storage/store';
import { BUILD_DIR, requireBuild } from '../../helpers/workbench';
import {
  archiveOf,
  editedConfig,
  exportedRecords,
  headerOf,
  withCell,
  type ArchiveRecordData,
} from './crafted-archive';

/** Every table an import writes to, and how many rows it has. */
function rowCounts(store: RunStore): Record<string, number> {
  const tables = ['runs', 'metric_points', 'run_logs', 'checkpoints', 'checkpoint_parts', 'evaluations'];
  return Object.fromEntries(
    tables.map((table) => [
      table,
      (store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    ]),
  );
}

describe('importing crafted archives: every row is checked, nothing is written for a bad one', () => {
  let records: ArchiveRecordData[];
  let dir: string;
  let store: RunStore;
  let before: Record<string, number>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'decorbench-crafted-'));
    records = await exportedRecords(dir);
    store = RunStore.open(join(dir, 'target.sqlite'));
    // One good run already there: a failed import must leave it, and `runs list`, intact.
    const file = join(dir, 'good.jsonl.gz');
    writeFileSync(file, archiveOf(records));
    await importRunArchive(store, file);
    before = rowCounts(store);
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = async (name: string, crafted: ArchiveRecordData[]) => {
    const file = join(dir, `${name}.jsonl.gz`);
    writeFileSync(file, archiveOf(crafted));
    const message = await importRunArchive(store, file).then(
      () => 'imported',
      (error: Error) => error.message,
    );
    expect(rowCounts(store), name).toEqual(before);
    expect(store.runs.list()).toHaveLength(1);
    return message.replace(`${file} `, '');
  };

  it('imports the uncrafted archive (the crafting itself is sound)', () => {
    expect(before).toMatchObject({ runs: 1, metric_points: 1, run_logs: 1, checkpoints: 1, evaluations: 1 });
  });

  it('checks the configuration with the strict run schema', async () => {
    const config = (edit: (config: Record<string, Record<string, unknown>>) => void) =>
      refusal('config', editedConfig(records, edit));
    expect(await config((c) => (c.training!.batchSize = 1e9))).toMatch(
      /^cannot be imported: runs\.config_json: training\.batchSize: Too big/,
    );
    expect(await config((c) => (c.training!.epochs = -1))).toMatch(
      /runs\.config_json: training\.epochs: Too small/,
    );
    expect(
      await config((c) => {
        c.loss = { name: 'fft-bt', blocksize: 8 };
      }),
    ).toBe(
      'cannot be imported: runs.config_json: loss.blocksize: unknown field; did you mean loss.blockSize?',
    );
    expect(await config((c) => (c.evaluation!.knnTemperature = 5e-324))).toMatch(
      /evaluation\.knnTemperature/,
    );
    expect(await refusal('not-json', withCell(records, 'runs', 'config_json', '{"name":'))).toBe(
      'cannot be imported: runs.config_json: is not valid JSON',
    );
    expect(await refusal('loss-name', withCell(records, 'runs', 'loss_name', 'vicreg'))).toMatch(
      /runs\.loss_name: "vicreg" is not the configuration's loss/,
    );
  });

  it("checks every JSON column the store's readers parse", async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['runs', 'results_json', 'not json', /runs\.results_json: is not valid JSON/],
      ['runs', 'results_json', '{"loss":"low"}', /runs\.results_json: loss: /],
      ['runs', 'results_json', '[]', /runs\.results_json/],
      ['runs', 'progress_json', '{"step":1}', /runs\.progress_json: totalSteps/],
      ['runs', 'backend_notes', '{}', /runs\.backend_notes/],
      ['evaluations', 'results_json', '{"results":5}', /evaluations\.results_json: results/],
      ['evaluations', 'settings_json', 'null', /evaluations\.settings_json/],
    ];
    for (const [table, column, value, expected] of cases) {
      expect(await refusal(`${table}-${column}`, withCell(records, table, column, value))).toMatch(expected);
    }
  });

  it('checks statuses, names, numbers and the agreement of checkpoint rows with their bytes', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      [
        'runs',
        'status',
        'running',
        /runs\.status: must be one of created, completed, stopped, failed, interrupted/,
      ],
      ['runs', 'name', 'lone \ud800', /runs\.name: Contains an incomplete \(lone surrogate\) character/],
      ['runs', 'created_at', -5, /runs\.created_at: Too small/],
      ['metric_points', 'name', '', /metric_points\.name: Too small/],
      ['metric_points', 'step', 1.5, /metric_points\.step/],
      ['run_logs', 'level', 'fatal', /run_logs\.level/],
      ['checkpoints', 'size_bytes', 12, /checkpoints\.size_bytes: differs from the size of its data/],
      ['checkpoints', 'sha256', '0'.repeat(64), /checkpoints\.sha256: differs from the sha256 of its data/],
      ['checkpoints', 'reason', 'whim', /checkpoints\.reason/],
      ['evaluations', 'status', 'running', /evaluations\.status/],
      [
        'runs',
        'results_json',
        { blob: { bytes: 0, sha256: '' } },
        /is corrupt: runs\.results_json holds a blob/,
      ],
    ];
    for (const [table, column, value, expected] of cases) {
      expect(await refusal(`${table}-${column}`, withCell(records, table, column, value))).toMatch(expected);
    }
  });

  it('refuses a second run and a blob declared larger than any checkpoint, before reading its bytes', async () => {
    const runs = records.find((record) => record.type === 'rows' && record.table === 'runs')!;
    const twice = [...records];
    twice.splice(2, 0, structuredClone(runs));
    expect(await refusal('two-runs', twice)).toBe('is corrupt: it holds more than one run');
    const header = headerOf(records);
    const huge = withCell(records, 'checkpoints', 'data', {
      blob: { bytes: MAX_BLOB_BYTES + 1, sha256: 'x' },
    });
    const started = Date.now();
    expect(await refusal('huge', huge)).toBe(
      'is corrupt: it declares a blob of 8.6 GB, over the 8.6 GB a checkpoint can have',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(header.tables.checkpoints).toContain('data');
  });

  it('leaves `runs list` working after a refused import through the real CLI', () => {
    requireBuild();
    const file = join(dir, 'cli.jsonl.gz');
    writeFileSync(file, archiveOf(withCell(records, 'runs', 'results_json', '{"loss":')));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [join(BUILD_DIR, 'cli.js'), ...args, '--db', store.path], {
        encoding: 'utf8',
      });
    const imported = cli(['import', file]);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toContain('cannot be imported: runs.results_json: is not valid JSON');
    const list = cli(['runs', 'list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/crafted/);
    expect(rowCounts(store)).toEqual(before);
  });
});
