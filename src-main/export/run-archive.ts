/**
 * Writes a whole run (row, metrics, logs, checkpoints, evaluations, snapshots) as one archive file; see
 * `archive-format.ts` for the layout and `archive-import.ts` for the way back.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Database } from 'better-sqlite3';
import { AppFailure } from '@shared/errors';
import { isActiveStatus } from '@shared/runs';
import type { RunStore } from '../storage/store';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  CHUNK_BYTES,
  LineHasher,
  RUN_TABLES,
  sha256Hex,
  tableColumns,
  type CellValue,
  type RunTable,
} from './archive-format';
import { BLOB_COLUMNS } from './archive-rows';
import { prepareOutputFile, unwritable } from './output-path';

/** Rows per record for tables without blobs (a blob row goes alone, with its chunks after it). */
const ROWS_PER_RECORD = 1000;

export interface RunArchiveResult {
  path: string;
  /** Rows written per table. */
  rows: Record<string, number>;
}

/** The columns written for each table: all that the database has, less the omitted ones. */
export function archivedColumns(database: Database): Record<string, string[]> {
  return Object.fromEntries(
    RUN_TABLES.map((spec) => [
      spec.table,
      tableColumns(database, spec.table).filter((column) => !spec.omit.includes(column)),
    ]),
  );
}

/** A run's rows of one table in key order, page by page, so no query holds the connection. */
function* tablePages(database: Database, spec: RunTable, runId: number, pageSize: number) {
  const owner = spec.table === 'runs' ? 'id' : 'run_id';
  const key = spec.key.join(', ');
  let last: unknown[] | undefined;
  for (;;) {
    const after = last ? ` AND (${key}) > (${spec.key.map(() => '?').join(', ')})` : '';
    const rows = database
      .prepare<unknown[], Record<string, unknown>>(
        `SELECT * FROM ${spec.table} WHERE ${owner} = ?${after} ORDER BY ${key} LIMIT ${pageSize}`,
      )
      .all(runId, ...(last ?? []));
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const final = rows.at(-1)!;
    last = spec.key.map((column) => final[column]);
  }
}

/**
 * The bytes of a checkpoint stored in parts (checkpoints.repo.ts), one part at a time; none when
 * its bytes are in its row. The archive holds them as the one blob they are.
 */
function* checkpointParts(database: Database, checkpointId: number): Generator<Buffer> {
  const part = database.prepare<[number, number], { data: Buffer }>(
    'SELECT data FROM checkpoint_parts WHERE checkpoint_id = ? AND part = ?',
  );
  for (let index = 0, found = part.get(checkpointId, 0); found; found = part.get(checkpointId, ++index)) {
    yield found.data;
  }
}

const hasParts = (database: Database, checkpointId: number): boolean =>
  database.prepare('SELECT 1 FROM checkpoint_parts WHERE checkpoint_id = ? LIMIT 1').get(checkpointId) !==
  undefined;

/** A cell as JSON, and the bytes of a BLOB cell (sent as chunks after the row). */
function encodeCell(value: unknown, blobs: Iterable<Buffer>[]): CellValue {
  if (Buffer.isBuffer(value)) {
    blobs.push([value]);
    return { blob: { bytes: value.byteLength, sha256: sha256Hex(value) } };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { real: value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`writeRunArchive: cannot archive a ${typeof value} value`);
}

/** Every line of the archive of a run, the trailer last. */
function* archiveLines(database: Database, runId: number, counts: Record<string, number>): Generator<Buffer> {
  const hasher = new LineHasher();
  const tables = archivedColumns(database);
  yield hasher.line({
    type: 'header',
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    schemaVersion: database.pragma('user_version', { simple: true }) as number,
    sourceRunId: runId,
    exportedAt: Date.now(),
    tables,
  });
  for (const spec of RUN_TABLES) {
    const columns = tables[spec.table]!;
    const hasBlobs = Object.hasOwn(BLOB_COLUMNS, spec.table);
    counts[spec.table] = 0;
    for (const page of tablePages(database, spec, runId, hasBlobs ? 1 : ROWS_PER_RECORD)) {
      const blobs: Iterable<Buffer>[] = [];
      const rows = page.map((row) =>
        columns.map((column) => {
          if (spec.table === 'checkpoints' && column === 'data' && hasParts(database, row.id as number)) {
            blobs.push(checkpointParts(database, row.id as number));
            return { blob: { bytes: row.size_bytes as number, sha256: row.sha256 as string } };
          }
          return encodeCell(row[column], blobs);
        }),
      );
      counts[spec.table] = (counts[spec.table] ?? 0) + rows.length;
      yield hasher.line({ type: 'rows', table: spec.table, rows });
      for (const blob of blobs) {
        for (const bytes of blob) {
          for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) {
            const base64 = bytes.subarray(start, start + CHUNK_BYTES).toString('base64');
            yield hasher.line({ type: 'chunk', base64 });
          }
        }
      }
    }
  }
  yield Buffer.from(`${JSON.stringify({ type: 'end', rows: counts, sha256: hasher.digest() })}\n`, 'utf8');
}

/** Refuses runs that are still changing: an archive must be one consistent state of the run. */
function requireSettledRun(store: RunStore, runId: number): void {
  const run = store.runs.summary(runId);
  if (!run) throw new AppFailure('not-found', `Run ${runId} does not exist in ${store.path}`);
  if (isActiveStatus(run.status)) {
    throw new AppFailure(
      'conflict',
      `Run ${runId} is ${run.status}; stop it or let it finish before exporting the whole run`,
    );
  }
  const evaluating = store.database
    .prepare<[number], { id: number }>(`SELECT id FROM evaluations WHERE run_id = ? AND status = 'running'`)
    .get(runId);
  if (evaluating) {
    throw new AppFailure('conflict', `Run ${runId} has an evaluation in progress; export it when that ends`);
  }
}

/**
 * Writes run `runId` with everything that belongs to it into `outFile` (gzip'd JSON lines).
 * The file appears complete or not at all: it is written beside its final name and renamed.
 */
export async function writeRunArchive(
  store: RunStore,
  runId: number,
  outFile: string,
): Promise<RunArchiveResult> {
  requireSettledRun(store, runId);
  const path = prepareOutputFile(outFile);
  const partial = `${path}.partial-${process.pid}`;
  const rows: Record<string, number> = {};
  try {
    await pipeline(
      Readable.from(archiveLines(store.database, runId, rows)),
      createGzip(),
      createWriteStream(partial),
    );
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    // File system errors carry the failed call; anything else (e.g. SQLite) is not about the path.
    throw (error as NodeJS.ErrnoException).syscall ? unwritable(path, error) : error;
  }
  return { path, rows };
}
