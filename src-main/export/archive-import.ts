/**
 * `import`: turns a run archive (see `archive-format.ts`) back into a run of the store, under a
 * new id. Everything is verified before the store changes: the header, every row against the
 * rules the program writes by (`archive-rows.ts`: the run's configuration through the strict
 * schema, every JSON column parsed), each blob's declared size and sha256, the row counts and the
 * sha256 of the whole content in the trailer. Then one transaction adds it all, or nothing.
 */
import { createHash, type Hash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { AppFailure } from '@shared/errors';
import { CHECKPOINT_PART_BYTES } from '../storage/checkpoints.repo';
import type { RunStore } from '../storage/store';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  CHUNK_BYTES,
  LineHasher,
  RUN_TABLES,
  tableColumns,
  type HeaderRecord,
} from './archive-format';
import { checkRow, InvalidArchiveRow, isBlobColumn, type BlobRef } from './archive-rows';
import { ArchiveStaging } from './archive-staging';
import { gzipLines, looksGzipped } from './gzip-lines';

export interface ImportResult {
  /** The id of the run in this store. */
  runId: number;
  /** Its id in the store it was exported from. */
  sourceRunId: number;
  /** Rows imported per table. */
  rows: Record<string, number>;
}

/** A damaged archive: the message says what is wrong, the caller adds which file. */
class CorruptArchive extends Error {}

/** Base64 of a chunk is 4/3 of its bytes; leave room for the JSON around it. */
const MAX_LINE_BYTES = 2 * CHUNK_BYTES + 4096;

/**
 * The largest blob an archive may declare. The engine's largest checkpoint (ResNet-50 with a
 * d = 8192 projector and LARS state) is about 1.5 GB; a declared size is otherwise only a
 * number in a file, and its bytes would fill the scratch disk before the sha256 could refuse them.
 */
export const MAX_BLOB_BYTES = 8 * 2 ** 30;

/** A blob being received: its reference in the staging store, and the bytes seen so far. */
interface BlobSlot {
  blob: BlobRef;
  hash: Hash;
  received: number;
  chunks: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const gigabytes = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Checks the header against this program and this database; creates the scratch tables. */
function acceptHeader(record: unknown, store: RunStore, staging: ArchiveStaging): HeaderRecord {
  if (!isRecord(record) || record.type !== 'header' || record.format !== ARCHIVE_FORMAT) {
    throw new AppFailure('invalid-input', 'is not a Decorbench run archive');
  }
  const header = record as unknown as HeaderRecord;
  const schemaVersion = store.database.pragma('user_version', { simple: true }) as number;
  if (!Number.isInteger(header.version) || !Number.isInteger(header.schemaVersion)) {
    throw new CorruptArchive('its header has no valid version');
  }
  if (header.version > ARCHIVE_VERSION || header.schemaVersion > schemaVersion) {
    throw new AppFailure(
      'invalid-input',
      `was made by a newer Decorbench (archive version ${header.version}, schema ${header.schemaVersion}; ` +
        `this one reads version ${ARCHIVE_VERSION}, schema ${schemaVersion}): update Decorbench`,
    );
  }
  if (!Number.isSafeInteger(header.sourceRunId)) throw new CorruptArchive('its header names no run');
  if (!isRecord(header.tables)) throw new CorruptArchive('its header lists no tables');
  for (const [table, columns] of Object.entries(header.tables)) {
    const spec = RUN_TABLES.find((candidate) => candidate.table === table);
    if (!spec) throw new CorruptArchive(`it holds a table "${table}" this Decorbench does not know`);
    const known = tableColumns(store.database, table);
    if (
      !Array.isArray(columns) ||
      new Set(columns).size !== columns.length ||
      columns.some((c) => !known.includes(c) || spec.omit.includes(c))
    ) {
      throw new CorruptArchive(`its columns of table ${table} do not match this database`);
    }
    staging.createTable(table, columns as string[]);
  }
  if (!header.tables.runs) throw new CorruptArchive('it holds no run');
  return header;
}

/** The reading state: blobs whose bytes are still to come, rows counted per table. */
class ArchiveReader {
  readonly counts: Record<string, number> = {};
  private readonly pending: BlobSlot[] = [];
  private declaredBytes = 0;

  constructor(
    private readonly header: HeaderRecord,
    private readonly staging: ArchiveStaging,
    private readonly freeBytes: number,
  ) {}

  /** A cell as the value to stage: JSON's own values, infinities, or a blob to be streamed. */
  private decodeCell(cell: unknown, table: string, column: string): unknown {
    if (cell === null || typeof cell === 'string' || typeof cell === 'number') return cell;
    if (isRecord(cell) && isRecord(cell.blob)) {
      const { bytes, sha256 } = cell.blob as { bytes: unknown; sha256: unknown };
      if (!Number.isSafeInteger(bytes) || (bytes as number) < 0 || typeof sha256 !== 'string') {
        throw new CorruptArchive('a blob has no valid size or sha256');
      }
      if (!isBlobColumn(table, column)) throw new CorruptArchive(`${table}.${column} holds a blob`);
      const size = bytes as number;
      if (size > MAX_BLOB_BYTES) {
        throw new CorruptArchive(
          `it declares a blob of ${gigabytes(size)}, over the ${gigabytes(MAX_BLOB_BYTES)} a checkpoint can have`,
        );
      }
      this.declaredBytes += size;
      if (this.declaredBytes > this.freeBytes) {
        throw new AppFailure(
          'invalid-input',
          `needs ${gigabytes(this.declaredBytes)} of temporary space for its checkpoints; ${gigabytes(this.freeBytes)} are free in ${tmpdir()}`,
        );
      }
      const blob = this.staging.newBlob(size, sha256);
      this.pending.push({ blob, hash: createHash('sha256'), received: 0, chunks: 0 });
      return blob;
    }
    if (isRecord(cell) && (cell.real === 'Infinity' || cell.real === '-Infinity')) {
      return cell.real === 'Infinity' ? Infinity : -Infinity;
    }
    throw new CorruptArchive('a cell has a value of no known kind');
  }

  rows(record: Record<string, unknown>): void {
    if (this.pending.length > 0) throw new CorruptArchive('a blob ends before all its bytes');
    const table = record.table as string;
    const columns = Object.hasOwn(this.header.tables, table) ? this.header.tables[table] : undefined;
    if (!Array.isArray(columns) || !Array.isArray(record.rows))
      throw new CorruptArchive(`rows of an unlisted table "${table}"`);
    const rows = (record.rows as unknown[]).map((cells) => {
      if (!Array.isArray(cells) || cells.length !== columns.length) {
        throw new CorruptArchive(`a row of ${table} does not have the header's ${columns.length} columns`);
      }
      const row = cells.map((cell, index) => this.decodeCell(cell, table, columns[index]!));
      checkRow(table, columns, row);
      return row;
    });
    this.counts[table] = (this.counts[table] ?? 0) + rows.length;
    if (table === 'runs' && this.counts.runs! > 1) throw new CorruptArchive('it holds more than one run');
    if (rows.length > 0) this.staging.insert(table, rows);
    this.finishBlobs();
  }

  chunk(record: Record<string, unknown>): void {
    const slot = this.pending[0];
    if (!slot || typeof record.base64 !== 'string') throw new CorruptArchive('blob bytes without a row');
    const bytes = Buffer.from(record.base64, 'base64');
    slot.received += bytes.length;
    if (slot.received > slot.blob.bytes) throw new CorruptArchive('a blob is longer than its row says');
    slot.hash.update(bytes);
    this.staging.appendChunk(slot.blob, slot.chunks++, bytes);
    this.finishBlobs();
  }

  /** Verifies each blob whose bytes are complete (empty ones at once), in order. */
  private finishBlobs(): void {
    for (let slot = this.pending[0]; slot && slot.received === slot.blob.bytes; slot = this.pending[0]) {
      if (slot.hash.digest('hex') !== slot.blob.sha256)
        throw new CorruptArchive('the sha256 of a blob does not match');
      this.pending.shift();
    }
  }

  end(record: Record<string, unknown>, contentSha256: string): void {
    if (this.pending.length > 0) throw new CorruptArchive('it ends inside a blob');
    if (record.sha256 !== contentSha256) throw new CorruptArchive('its sha256 does not match its content');
    const expected = isRecord(record.rows) ? record.rows : {};
    for (const table of new Set([...Object.keys(expected), ...Object.keys(this.counts)])) {
      if ((expected[table] ?? 0) !== (this.counts[table] ?? 0)) {
        throw new CorruptArchive(
          `it has ${this.counts[table] ?? 0} rows of ${table}, its trailer says ${String(expected[table])}`,
        );
      }
    }
    if (this.counts.runs !== 1) throw new CorruptArchive(`it holds ${this.counts.runs ?? 0} runs, not one`);
  }
}

/** Reads, verifies and stages the archive; resolves with the header and row counts. */
async function stageArchive(path: string, store: RunStore, staging: ArchiveStaging) {
  const hasher = new LineHasher();
  let header: HeaderRecord | undefined;
  let reader: ArchiveReader | undefined;
  let ended = false;
  for await (const line of gzipLines(path, MAX_LINE_BYTES)) {
    if (ended) throw new CorruptArchive('there is data after its end');
    let record: unknown;
    try {
      record = JSON.parse(line.toString('utf8'));
    } catch {
      if (!header) throw new AppFailure('invalid-input', 'is not a Decorbench run archive');
      throw new CorruptArchive('a line is not valid JSON (truncated or damaged)');
    }
    if (!header) {
      header = acceptHeader(record, store, staging);
      reader = new ArchiveReader(header, staging, staging.freeBytes());
    } else if (isRecord(record) && record.type === 'rows') reader!.rows(record);
    else if (isRecord(record) && record.type === 'chunk') reader!.chunk(record);
    else if (isRecord(record) && record.type === 'end') {
      reader!.end(record, hasher.digest());
      ended = true;
    } else throw new CorruptArchive('a line is no archive record');
    hasher.update(line);
  }
  if (!header) throw new AppFailure('invalid-input', 'is empty');
  if (!ended) throw new CorruptArchive('it is truncated (no end record)');
  return { header, counts: reader!.counts };
}

/** Why reading failed, in words, with the file named. */
function describeFailure(path: string, error: unknown): AppFailure {
  if (error instanceof AppFailure) return new AppFailure(error.code, `${path} ${error.message}`);
  if (error instanceof CorruptArchive)
    return new AppFailure('invalid-input', `${path} is corrupt: ${error.message}`);
  if (error instanceof InvalidArchiveRow)
    return new AppFailure('invalid-input', `${path} cannot be imported: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new AppFailure('invalid-input', `${path} is corrupt: its compressed data is damaged or truncated`);
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new AppFailure('invalid-input', `${path} cannot be imported: ${(error as Error).message}`);
  }
  if (code === 'ERR_LINE_TOO_LONG') {
    const reason = (error as Error).message;
    return new AppFailure(
      'invalid-input',
      `${path} is not a Decorbench run archive, or is corrupt: ${reason}`,
    );
  }
  if (code === 'ENOENT') return new AppFailure('not-found', `Cannot read ${path}: no such file`);
  if (code === 'EISDIR') return new AppFailure('invalid-input', `Cannot read ${path}: it is a folder`);
  if ((error as NodeJS.ErrnoException).syscall)
    return new AppFailure('invalid-input', `Cannot read ${path}: ${(error as Error).message}`);
  return error instanceof Error
    ? new AppFailure('internal', error.message)
    : new AppFailure('internal', String(error));
}

/**
 * Imports the run archive at `path` into `store` as a new run and returns its id. The store is
 * changed only when the whole archive has been read and verified, in one transaction.
 */
export async function importRunArchive(
  store: RunStore,
  path: string,
  options: { checkpointPartBytes?: number } = {},
): Promise<ImportResult> {
  let staging: ArchiveStaging | undefined;
  try {
    if (!looksGzipped(path))
      throw new AppFailure('invalid-input', 'is not a Decorbench run archive (not gzip data)');
    staging = new ArchiveStaging(store.database, {
      partBytes: options.checkpointPartBytes ?? CHECKPOINT_PART_BYTES,
    });
    const { header, counts } = await stageArchive(path, store, staging);
    const children = RUN_TABLES.map((spec) => spec.table).filter((table) => table !== 'runs');
    const runId = staging.commit('runs', children);
    // The comparison summaries the import did not carry (a cache): made now, once, rather than
    // on the run's first comparison.
    for (const name of store.metrics.names(runId)) {
      const extent = store.metricBuckets.extent(runId, name);
      if (extent) store.metricBuckets.fillAll(runId, name, extent.last);
    }
    return { runId, sourceRunId: header.sourceRunId, rows: counts };
  } catch (error) {
    throw describeFailure(path, error);
  } finally {
    staging?.dispose();
  }
}
