/** Archives to tamper with: a settled run written by the real exporter, and a way to rebuild one. */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RunConfigInput } from '@shared/config/run-config';
import { writeRunArchive } from '../../../src-main/export/run-archive';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { RunStore } from '../../../src-main/storage/store';

/** A configuration as JSON, its sections open for edits. */
type ConfigJson = Record<string, Record<string, unknown>>;

export type ArchiveRecordData = Record<string, unknown> & { type: string };

/** A completed run with a metric, a log line, a checkpoint and an evaluation, exported; no training. */
export async function exportedRecords(dir: string, config: RunConfigInput = { name: 'crafted' }) {
  const store = RunStore.open(join(dir, 'source.sqlite'));
  try {
    const run = store.runs.create(parseRunConfig(config));
    store.runs.setStatus(run.id, {
      status: 'completed',
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_001_000,
    });
    store.runs.mergeResults(run.id, { loss: 0.5 });
    store.metrics.append(run.id, [{ name: 'loss', step: 1, epoch: 1, value: 0.5, wallTimeMs: 10 }]);
    store.logs.append(run.id, 'info', 'hello');
    store.checkpoints.save(run.id, { step: 1, epoch: 1, format: 'test-bytes', data: randomBytes(3000) });
    store.database
      .prepare(
        `INSERT INTO evaluations (run_id, kind, checkpoint_step, status, created_at, ended_at, results_json)
         VALUES (?, 'knn', 1, 'completed', 1, 2, '{"results":{"top1":0.5}}')`,
      )
      .run(run.id);
    const file = join(dir, 'source.jsonl.gz');
    await writeRunArchive(store, run.id, file);
    return gunzipSync(readFileSync(file))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ArchiveRecordData);
  } finally {
    store.close();
  }
}

/** The archive of `records` (less any end record) with a trailer that matches them, gzip'd. */
export function archiveOf(records: readonly ArchiveRecordData[]): Buffer {
  const hash = createHash('sha256');
  const rows: Record<string, number> = {};
  const lines: string[] = [];
  for (const record of records) {
    if (record.type === 'end') continue;
    const line = `${JSON.stringify(record)}\n`;
    hash.update(line);
    lines.push(line);
    if (record.type === 'rows') {
      const table = record.table as string;
      rows[table] = (rows[table] ?? 0) + (record.rows as unknown[]).length;
    }
  }
  lines.push(`${JSON.stringify({ type: 'end', rows, sha256: hash.digest('hex') })}\n`);
  return gzipSync(lines.join(''), { level: 1 });
}

/** The header record: the columns of each table. */
export const headerOf = (records: readonly ArchiveRecordData[]) =>
  records[0] as unknown as { tables: Record<string, string[]> };

/** A copy of `records` with `column` of the first row of `table` set to `value`. */
export function withCell(
  records: readonly ArchiveRecordData[],
  table: string,
  column: string,
  value: unknown,
): ArchiveRecordData[] {
  const copy = structuredClone(records) as ArchiveRecordData[];
  const header = headerOf(copy);
  const index = header.tables[table]!.indexOf(column);
  if (index < 0) throw new Error(`no column ${table}.${column}`);
  const record = copy.find((candidate) => candidate.type === 'rows' && candidate.table === table)!;
  (record.rows as unknown[][])[0]![index] = value;
  return copy;
}

/** The run's configuration in the archive, edited by `edit`, as the config_json text. */
export function editedConfig(records: readonly ArchiveRecordData[], edit: (config: ConfigJson) => void) {
  const header = headerOf(records);
  const runs = records.find((record) => record.type === 'rows' && record.table === 'runs')!;
  const text = (runs.rows as unknown[][])[0]![header.tables.runs!.indexOf('config_json')] as string;
  const config = JSON.parse(text) as ConfigJson;
  edit(config);
  return withCell(records, 'runs', 'config_json', JSON.stringify(config));
}
