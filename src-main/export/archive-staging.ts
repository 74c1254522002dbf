/**
 * A private scratch database beside the store's connection, for the rows of an archive being
 * imported. The archive is read (and verified) into it at leisure; only then are its rows copied
 * into the store in one short synchronous transaction. So the store is never write-locked while
 * a large file is read, nor left with half a run when the file turns out to be damaged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';

const SCHEMA = 'decorbench_import';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class ArchiveStaging {
  private readonly dir: string;
  private readonly inserts = new Map<string, Statement<unknown[]>>();
  private readonly columns = new Map<string, string[]>();

  constructor(private readonly database: Database) {
    this.dir = mkdtempSync(join(tmpdir(), 'decorbench-import-'));
    database.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(join(this.dir, 'staging.sqlite'));
    // Scratch data: no journal, no syncs; a crash loses nothing the archive does not still hold.
    database.pragma(`${SCHEMA}.journal_mode = OFF`);
    database.pragma(`${SCHEMA}.synchronous = OFF`);
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

  /** Adds rows (values in the table's column order) in one transaction. */
  insert(table: string, rows: readonly unknown[][]): void {
    const statement = this.inserts.get(table);
    if (!statement) throw new Error(`no columns are known for table ${table}`);
    this.database.transaction(() => {
      for (const row of rows) statement.run(...row);
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
