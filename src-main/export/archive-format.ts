/**
 * The whole-run archive (`export --what run`, read back by `import`): gzip-compressed JSON lines,
 * so `zcat run.jsonl.gz | head -1` shows what a file is.
 *
 *   line 1     {"type":"header","format":"decorbench-run-archive","version":1,"schemaVersion":2,
 *               "sourceRunId":7,"exportedAt":...,"tables":{"runs":["name",...],...}}
 *   then       {"type":"rows","table":"metric_points","rows":[[...],...]}  values in the header's
 *               column order; a BLOB value is {"blob":{"bytes":N,"sha256":"..."}} and its bytes
 *               follow at once as {"type":"chunk","base64":"..."} lines (one row per such record)
 *   last line  {"type":"end","rows":{"runs":1,...},"sha256":"..."}: the row count of every table
 *               and the sha256 of every byte before this line, so truncation and edits are caught
 *
 * Rows of a table come in the order of their key (`RUN_TABLES`), so an import recreates ids in
 * the same order. Not carried: every table's own `id` and `run_id` (the import assigns new ones)
 * and `runs.owner_pid` (the pid of a process on the exporting machine, meaningless elsewhere), and
 * `runs.study_id` (a study of the exporting database: an imported run belongs to no study).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export const ARCHIVE_FORMAT = 'decorbench-run-archive';
export const ARCHIVE_VERSION = 1;

/** Raw bytes per chunk line (1.4 MB of base64): long enough to be cheap, short enough to parse. */
export const CHUNK_BYTES = 1 << 20;

/** A table that holds part of a run, and how its rows are ordered and selected. */
export interface RunTable {
  table: string;
  /** Columns that order the rows (the primary key); keyset paging uses them. */
  key: readonly string[];
  /** Columns never written to an archive. */
  omit: readonly string[];
}

/** Every table with rows of a run, the run itself first (the others reference it). */
export const RUN_TABLES: readonly RunTable[] = [
  // A run travels without its study (issue 14): `study_id` names a row of the exporting database;
  // the run's grid cell (`study_point_json`) travels, as a record of what the run was.
  { table: 'runs', key: ['id'], omit: ['id', 'owner_pid', 'study_id'] },
  { table: 'metric_points', key: ['name', 'step'], omit: ['run_id'] },
  { table: 'run_logs', key: ['id'], omit: ['id', 'run_id'] },
  { table: 'checkpoints', key: ['id'], omit: ['id', 'run_id'] },
  { table: 'evaluations', key: ['id'], omit: ['id', 'run_id'] },
  // Inspector snapshots (issue 12); their derived views (snapshot_views) are a cache, left out.
  { table: 'snapshots', key: ['id'], omit: ['id', 'run_id'] },
];

/**
 * Tables that refer to runs but hold a host's passing state, not part of a run: the shared
 * queue and the leases of running workers (an archive holds settled runs, which have neither).
 */
export const TRANSIENT_RUN_TABLES: readonly string[] = [
  'run_queue',
  'run_leases',
  // Summaries derived from metric_points (comparison charts), rebuilt when a run is imported.
  'metric_buckets',
  'metric_bucket_fill',
  // Cluster placement (issue 15): the profile, folder and jobs belong to this database's cluster
  // setup; everything the run learned (metrics, logs, checkpoints) was ingested into the run's own
  // tables, so an imported run is a settled run of the importing database, placed nowhere.
  'remote_runs',
  'cluster_jobs',
];

/**
 * A cell: JSON's own values, and objects for what JSON lacks: a BLOB (its bytes follow as chunk
 * lines) and a non-finite REAL (SQLite stores infinities; JSON would turn them into null).
 */
export type CellValue =
  string | number | null | { blob: { bytes: number; sha256: string } } | { real: 'Infinity' | '-Infinity' };

export interface HeaderRecord {
  type: 'header';
  format: typeof ARCHIVE_FORMAT;
  version: number;
  /** The database schema (`PRAGMA user_version`) the rows come from. */
  schemaVersion: number;
  sourceRunId: number;
  exportedAt: number;
  /** Column names of each table, in the order of the row arrays. */
  tables: Record<string, string[]>;
}

export interface RowsRecord {
  type: 'rows';
  table: string;
  rows: CellValue[][];
}

export interface ChunkRecord {
  type: 'chunk';
  base64: string;
}

export interface EndRecord {
  type: 'end';
  rows: Record<string, number>;
  sha256: string;
}

export type ArchiveRecord = HeaderRecord | RowsRecord | ChunkRecord | EndRecord;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Frames records as lines and hashes every byte written, for the trailer. */
export class LineHasher {
  private readonly hash: Hash = createHash('sha256');

  /** The record as one line of UTF-8 bytes, counted into the hash. */
  line(record: Exclude<ArchiveRecord, EndRecord>): Buffer {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    this.hash.update(bytes);
    return bytes;
  }

  /** Counts bytes read back (a line with its newline). */
  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}

/** A table's columns in the database, from `PRAGMA table_info`. */
export function tableColumns(database: Database, table: string, schema = 'main'): string[] {
  return database
    .prepare<[], { name: string }>(`PRAGMA ${schema}.table_info(${table})`)
    .all()
    .map((column) => column.name);
}
