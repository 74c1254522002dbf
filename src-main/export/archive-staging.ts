/**
 * A private scratch database beside the store's connection, for the rows of an archive being
 * imported. The archive is read (and verified) into it at leisure; only then are its rows copied
 * into the store in one short synchronous transaction. So the store is never write-locked while
 * a large file is read, nor left with half a run when the file turns out to be damaged.
 *
 * Blob bytes go to the scratch file chunk by chunk as they are read, never whole into memory:
 * an archive of a few MB can declare (and, compressed, hold) gigabytes.
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { BLOB_COLUMNS, BlobRef } from './archive-rows';

const SCHEMA = 'decorbench_import';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface StagingOptions {
  /** A blob larger than this is stored in `checkpoint_parts` of this size (the store's own rule). */
  partBytes: number;
}

export class ArchiveStaging {
  private readonly dir: string;
  private readonly inserts = new Map<string, Statement<unknown[]>>();
  private readonly columns = new Map<string, string[]>();
  private readonly insertChunk: Statement<[number, number, Buffer]>;
  private nextBlobId = 1;

  constructor(
    private readonly database: Database,
    private readonly options: StagingOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'decorbench-import-'));
    database.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(join(this.dir, 'staging.sqlite'));
    // Scratch data: no journal, no syncs; a crash loses nothing the archive does not still hold.
    database.pragma(`${SCHEMA}.journal_mode = OFF`);
    database.pragma(`${SCHEMA}.synchronous = OFF`);
    database.exec(
      `CREATE TABLE ${SCHEMA}.blob_chunks (blob INTEGER, seq INTEGER, data BLOB, PRIMARY KEY (blob, seq))`,
    );
    this.insertChunk = database.prepare(`INSERT INTO ${SCHEMA}.blob_chunks VALUES (?, ?, ?)`);
  }

  /** Bytes free where the scratch file grows: declared blobs beyond this cannot be imported. */
  freeBytes(): number {
    const stats = statfsSync(this.dir);
    return stats.bavail * stats.bsize;
  }

  /** A scratch table with these columns and no types, so every value is kept exactly as given. */
  createTable(table: string, columns: readonly string[]): void {
    const list = columns.map(quote).join(', ');
    this.database.exec(`CREATE TABLE ${SCHEMA}.${quote(table)} (${list || '"_"'})`);
    this.columns.set(table, [...columns]);
    if (columns.length > 0) {
      this.inserts.set(
        table,
        this.database.prepare(
          `INSERT INTO ${SCHEMA}.${quote(table)} (${list}) VALUES (${columns.map(() => '?').join(', ')})`,
        ),
      );
    }
  }

  /** A reference for a blob of the archive; its bytes follow through `appendChunk`. */
  newBlob(bytes: number, sha256: string): BlobRef {
    return new BlobRef(this.nextBlobId++, bytes, sha256);
  }

  /** Stores the next piece of a blob's bytes (`seq` counts from 0). */
  appendChunk(blob: BlobRef, seq: number, bytes: Buffer): void {
    this.insertChunk.run(blob.id, seq, bytes);
  }

  /** Adds rows (values in the table's column order; a blob as its reference) in one transaction. */
  insert(table: string, rows: readonly unknown[][]): void {
    const statement = this.inserts.get(table);
    if (!statement) throw new Error(`no columns are known for table ${table}`);
    this.database.transaction(() => {
      for (const row of rows) {
        // A blob is staged as "blob:bytes:id" text, so the copy into the store can find its chunks.
        statement.run(
          ...row.map((value) => (value instanceof BlobRef ? `blob:${value.bytes}:${value.id}` : value)),
        );
      }
    })();
  }

  /**
   * Copies the staged run into the store in one transaction and returns its new id: the run row
   * first, then every other table's rows in the order they were staged, with the new run id.
   */
  commit(runTable: string, childTables: readonly string[]): number {
    return this.database.transaction(() => {
      const runColumns = this.columns.get(runTable)!.map(quote).join(', ');
      const inserted = this.database
        .prepare(
          `INSERT INTO main.${quote(runTable)} (${runColumns}) SELECT ${runColumns} FROM ${SCHEMA}.${quote(runTable)}`,
        )
        .run();
      const runId = Number(inserted.lastInsertRowid);
      for (const table of childTables) {
        const columns = this.columns.get(table);
        if (!columns || columns.length === 0) continue;
        const blob = Object.hasOwn(BLOB_COLUMNS, table) ? BLOB_COLUMNS[table] : undefined;
        if (blob && columns.includes(blob)) {
          this.copyRowsWithBlobs(table, columns, blob, runId);
          continue;
        }
        const list = columns.map(quote).join(', ');
        this.database
          .prepare(
            `INSERT INTO main.${quote(table)} (run_id, ${list}) SELECT ?, ${list} FROM ${SCHEMA}.${quote(table)} ORDER BY rowid`,
          )
          .run(runId);
      }
      return runId;
    })();
  }

  /**
   * Rows whose blob is assembled from its chunks: in the row up to `partBytes` (as the store saves
   * checkpoints), else in `checkpoint_parts` of that size, so memory holds at most one part.
   */
  private copyRowsWithBlobs(table: string, columns: string[], blobColumn: string, runId: number): void {
    const list = columns.map(quote).join(', ');
    const next = this.database.prepare<[number], Record<string, unknown> & { rowid: number }>(
      `SELECT rowid, ${list} FROM ${SCHEMA}.${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1`,
    );
    const insert = this.database.prepare(
      `INSERT INTO main.${quote(table)} (run_id, ${list}) VALUES (?, ${columns.map(() => '?').join(', ')})`,
    );
    const insertPart = this.database.prepare(
      'INSERT INTO main.checkpoint_parts (checkpoint_id, part, data) VALUES (?, ?, ?)',
    );
    for (let row = next.get(0); row; row = next.get(row.rowid)) {
      const [, bytesText, idText] = String(row[blobColumn]).split(':');
      const bytes = Number(bytesText);
      const chunks = this.chunkReader(Number(idText));
      // Only checkpoints have parts; a snapshot's blob is one value (at most INSPECT_LIMITS.maxSnapshotBytes).
      const inParts = table === 'checkpoints' && bytes > this.options.partBytes;
      const values = columns.map((column) =>
        column === blobColumn ? (inParts ? Buffer.alloc(0) : chunks.read(bytes)) : row[column],
      );
      const rowId = insert.run(runId, ...values).lastInsertRowid;
      if (!inParts) continue;
      for (let part = 0, left = bytes; left > 0; part++, left -= this.options.partBytes) {
        insertPart.run(rowId, part, chunks.read(Math.min(left, this.options.partBytes)));
      }
    }
  }

  /** Reads a blob's bytes in order, `size` at a time, from its chunks (which may be of any size). */
  private chunkReader(blobId: number) {
    const chunk = this.database.prepare<[number, number], { data: Buffer }>(
      `SELECT data FROM ${SCHEMA}.blob_chunks WHERE blob = ? AND seq = ?`,
    );
    let seq = 0;
    let pending: Buffer = Buffer.alloc(0);
    return {
      read: (size: number): Buffer => {
        const out = Buffer.allocUnsafe(size);
        let filled = 0;
        while (filled < size) {
          if (pending.length === 0) {
            const found = chunk.get(blobId, seq++);
            if (!found) throw new Error(`the staged bytes of blob ${blobId} end early`);
            pending = found.data;
          }
          const take = Math.min(pending.length, size - filled);
          pending.copy(out, filled, 0, take);
          pending = pending.subarray(take);
          filled += take;
        }
        return out;
      },
    };
  }

  /** Detaches and deletes the scratch database. */
  dispose(): void {
    this.inserts.clear();
    try {
      this.database.exec(`DETACH DATABASE ${SCHEMA}`);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
