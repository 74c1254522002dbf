import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../../src-main/cli/commands/export';
import { importCommand } from '../../../src-main/cli/commands/import';
import { importRunArchive } from '../../../src-main/export/archive-import';
import { CHUNK_BYTES, RUN_TABLES, TRANSIENT_RUN_TABLES } from '../../../src-main/export/archive-format';
import { writeRunArchive } from '../../../src-main/export/run-archive';
import type { Workbench } from '../../../src-main/services/workbench';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';
import { runCommand } from './cli-context';
import { trainTinyRun } from './trained-run';

type Row = Record<string, unknown>;

/**
 * Every row of a run in every run table, with each value's SQLite storage class, in key order,
 * less the columns an import may change (ids, the owning host's pid).
 */
function runRows(store: RunStore, runId: number): Record<string, Row[]> {
  const result: Record<string, Row[]> = {};
  for (const spec of RUN_TABLES) {
    const columns = (store.database.prepare(`PRAGMA table_info(${spec.table})`).all() as { name: string }[])
      .map((column) => column.name)
      .filter((column) => !spec.omit.includes(column));
    const select = columns.map((column) => `${column}, typeof(${column}) AS "${column}:type"`).join(', ');
    const owner = spec.table === 'runs' ? 'id' : 'run_id';
    const rows = store.database
      .prepare(`SELECT ${select} FROM ${spec.table} WHERE ${owner} = ? ORDER BY ${spec.key.join(', ')}`)
      .all(runId) as Row[];
    // Blobs by digest: a deep comparison of Buffers goes byte by byte through generic equality.
    result[spec.table] = rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([column, value]) => [
          column,
          Buffer.isBuffer(value)
            ? `${value.length} bytes, sha256 ${createHash('sha256').update(value).digest('hex')}`
            : value,
        ]),
      ),
    );
  }
  return result;
}

describe('whole-run archives: export, then import', () => {
  const tempDir = useTempDir();
  const databaseDir = mkdtempSync(join(tmpdir(), 'decorbench-archive-'));
  let workbench: Workbench;
  let runId: number;
  let archive: string;

  beforeAll(async () => {
    ({ workbench, runId } = await trainTinyRun(join(databaseDir, 'source.sqlite')));
    const database = workbench.store.database;
    // An evaluation (no repository writes them yet) and values JSON cannot hold on its own.
    database
      .prepare(
        `INSERT INTO evaluations (run_id, kind, checkpoint_step, status, created_at, ended_at, settings_json, results_json)
         VALUES (?, 'knn', 12, 'completed', 1700000000000, 1700000001234, '{"k":[1,5]}', '{"top1":0.5}')`,
      )
      .run(runId);
    workbench.store.metrics.append(runId, [
      { name: 'edge/integer-valued', step: 1, epoch: 1, value: 2, wallTimeMs: 1 },
      { name: 'edge/nan', step: 1, epoch: 1, value: Number.NaN, wallTimeMs: 1 },
    ]);
    database.prepare(`INSERT INTO metric_points VALUES (?, 'edge/infinite', 2, 1, 9e999, 2)`).run(runId);
    // Blobs of several chunk lines and of none at all.
    const large = randomBytes(2 * CHUNK_BYTES + 12345);
    workbench.store.checkpoints.save(runId, { step: 13, epoch: 1, format: 'test-bytes', data: large });
    workbench.store.checkpoints.save(runId, {
      step: 14,
      epoch: 1,
      format: 'test-bytes',
      data: new Uint8Array(0),
    });
    workbench.store.logs.append(runId, 'warn', 'ünïcödé, "quotes", new\nline and a tab\t');
    database.prepare('UPDATE runs SET owner_pid = 123456 WHERE id = ?').run(runId);
    archive = join(databaseDir, 'run.jsonl.gz');
    await writeRunArchive(workbench.store, runId, archive);
  }, 180_000);
  afterAll(async () => {
    await workbench?.close();
    rmSync(databaseDir, { recursive: true, force: true });
  });

  it('covers every table that refers to runs', () => {
    const tables = workbench.store.database
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES runs%'`)
      .all() as { name: string }[];
    const archived = tables.map((t) => t.name).filter((name) => !TRANSIENT_RUN_TABLES.includes(name));
    expect(RUN_TABLES.map((spec) => spec.table).sort()).toEqual(['runs', ...archived].sort());
  });

  it('imports into a fresh database as an identical run', async () => {
    const target = RunStore.open(join(tempDir(), 'target.sqlite'));
    try {
      target.runs.create(workbench.store.runs.config(runId)!); // so the new id differs from the old
      const result = await importRunArchive(target, archive);
      expect(result).toMatchObject({ runId: 2, sourceRunId: runId });
      const expected = runRows(workbench.store, runId);
      expect(runRows(target, result.runId)).toEqual(expected);
      expect(expected.checkpoints!.map((row) => row.size_bytes)).toEqual([
        expect.any(Number),
        expect.any(Number),
        expect.any(Number),
        2 * CHUNK_BYTES + 12345,
        0,
      ]);
      expect(expected.evaluations!.length).toBe(1);
      expect(expected.run_logs!.length).toBeGreaterThan(3);
      expect(expected.metric_points!.find((row) => row.name === 'edge/infinite')!.value).toBe(Infinity);
      expect(result.rows).toEqual(
        Object.fromEntries(Object.entries(expected).map(([table, rows]) => [table, rows.length])),
      );
      // Checkpoints come back byte for byte and pass their own sha256 check.
      const source = workbench.store.checkpoints.list(runId);
      target.checkpoints.list(result.runId).forEach((info, i) => {
        expect(
          target.checkpoints.load(info.id).data.equals(workbench.store.checkpoints.load(source[i]!.id).data),
        ).toBe(true);
      });
      expect(target.database.prepare('SELECT owner_pid FROM runs WHERE id = ?').get(result.runId)).toEqual({
        owner_pid: null,
      });
      expect(target.database.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(target.database.pragma('foreign_key_check')).toEqual([]);
    } finally {
      target.close();
    }
  });

  it('imports into the same database under a new id, through the command line', async () => {
    const db = workbench.store.path;
    const file = join(tempDir(), 'cli.jsonl.gz');
    const exported = await runCommand(exportCommand, [
      String(runId),
      '--what',
      'run',
      '--out',
      file,
      '--db',
      db,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const imported = await runCommand(importCommand, [file, '--db', db]);
    expect(imported.code, imported.stderr).toBe(0);
    const newId = Number(imported.stdout.trim());
    expect(newId).toBeGreaterThan(runId);
    expect(imported.stderr).toMatch(
      new RegExp(`Imported run ${runId} "export me" as run ${newId} \\(\\d+ metric points`),
    );
    expect(runRows(workbench.store, newId)).toEqual(runRows(workbench.store, runId));
    const json = await runCommand(importCommand, [file, '--db', db, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ runId: newId + 1, sourceRunId: runId });
  });

  it('rejects damaged, foreign and newer archives and leaves the database unchanged', async () => {
    const dir = tempDir();
    const target = RunStore.open(join(dir, 'target.sqlite'));
    const attempt = async (name: string, bytes: Uint8Array) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const failure = await importRunArchive(target, path).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure, `${name} was imported`).toBeInstanceOf(Error);
      return failure!.message;
    };
    try {
      const good = readFileSync(archive);
      const text = gunzipSync(good).toString('utf8');
      const flipped = Buffer.from(good);
      flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
      expect(await attempt('flipped.gz', flipped)).toMatch(/is corrupt/);
      expect(await attempt('truncated.gz', good.subarray(0, good.length - 100))).toMatch(/is corrupt/);
      const lines = text.split('\n');
      expect(await attempt('no-end.gz', gzipSync(lines.slice(0, -2).join('\n') + '\n'))).toMatch(
        /is corrupt: it is truncated \(no end record\)/,
      );
      const edited = text.replace('"export me"', '"exported!"');
      expect(await attempt('edited.gz', gzipSync(edited))).toMatch(
        /is corrupt: its sha256 does not match its content/,
      );
      const chunk = lines.findIndex((line) => line.startsWith('{"type":"chunk"'));
      const damagedChunk = [...lines];
      damagedChunk[chunk] = damagedChunk[chunk]!.replace(
        /"base64":"(.)/,
        (_, first) => `"base64":"${first === 'A' ? 'B' : 'A'}`,
      );
      expect(await attempt('chunk.gz', gzipSync(damagedChunk.join('\n')))).toMatch(
        /the sha256 of a blob does not match/,
      );
      expect(await attempt('plain.txt', Buffer.from('hello'))).toMatch(
        /is not a Decorbench run archive \(not gzip data\)/,
      );
      expect(await attempt('other.gz', gzipSync('step,loss\n1,0.5\n'))).toMatch(
        /is not a Decorbench run archive$/,
      );
      const newer = text.replace('"version":1,', '"version":99,');
      expect(await attempt('newer.gz', gzipSync(newer))).toMatch(/was made by a newer Decorbench/);
      expect(
        await importRunArchive(target, join(dir, 'missing.gz')).catch((error: Error) => error.message),
      ).toMatch(/Cannot read .*missing\.gz: no such file/);
      expect(target.runs.list()).toEqual([]);
      expect(target.database.prepare('SELECT count(*) AS n FROM metric_points').get()).toEqual({ n: 0 });
      expect(target.database.prepare('PRAGMA database_list').all()).toHaveLength(1); // staging detached
    } finally {
      target.close();
    }
  });

  it('refuses to archive a run that is still running', async () => {
    const created = workbench.store.runs.create(workbench.store.runs.config(runId)!);
    workbench.store.database.prepare(`UPDATE runs SET status = 'running' WHERE id = ?`).run(created.id);
    await expect(writeRunArchive(workbench.store, created.id, join(tempDir(), 'x.gz'))).rejects.toThrow(
      new RegExp(`Run ${created.id} is running; stop it or let it finish`),
    );
    await expect(writeRunArchive(workbench.store, 9999, join(tempDir(), 'x.gz'))).rejects.toThrow(
      /Run 9999 does not exist/,
    );
    workbench.store.runs.delete(created.id);
  });
});
