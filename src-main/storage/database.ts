import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { AppFailure } from '@shared/errors';
import { migrate, MIGRATIONS } from './migrations';

export interface DatabaseOptions {
  /**
   * A better-sqlite3 addon built for another ABI than this Node's: Electron's main process needs
   * one built against Electron's headers (see scripts/rebuild-sqlite-for-electron.mjs).
   */
  nativeBinding?: string;
  /**
   * `write` (hosts, training): the file must be writable and is brought up to date.
   * `read` (listing, showing, exporting): a file this process may not write is opened read-only
   * instead, as long as its schema is the current one.
   */
  access?: 'write' | 'read';
}

/** An expected failure to open the run store, with a message that names the file and what to do. */
export class DatabaseOpenError extends AppFailure {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('unavailable', message);
    this.name = 'DatabaseOpenError';
  }
}

const WRITE_REFUSED = /^SQLITE_(READONLY|CANTOPEN|IOERR|FULL|PERM|BUSY|LOCKED)/;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether this process may write the file; root passes mode bits, but not `chattr +i` or a read-only mount. */
function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the file before anything writes to it: SQLite at all, a Decorbench store, a schema this
 * version understands. Only reads: a refused file is left byte-identical (journal mode included).
 */
function checkSchema(database: Database, path: string): number {
  let version: number;
  let tables: number;
  try {
    // One statement, so one snapshot: read apart, another host's first migration could commit in
    // between (version 0 read before it, its tables after) and the file would look foreign.
    const row = database
      .prepare<[], { version: number; n: number }>(
        "SELECT (SELECT user_version FROM pragma_user_version) AS version, (SELECT count(*) FROM sqlite_master WHERE type = 'table') AS n",
      )
      .get()!;
    version = row.version;
    tables = row.n;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new DatabaseOpenError(path, `${path} is not a Decorbench database (not an SQLite file)`);
    }
    if (database.readonly && /^SQLITE_(READONLY|CANTOPEN)/.test(code ?? '')) {
      // A WAL file can be read without write access only if SQLite can create its -shm and -wal files.
      throw new DatabaseOpenError(
        path,
        `Cannot read the database ${path}: it is read-only and so is its folder, where SQLite must create ${basename(path)}-shm and ${basename(path)}-wal to read it. Make the folder writable, or copy the file to one that is.`,
      );
    }
    throw new DatabaseOpenError(path, `Cannot read the database ${path}: ${reason(error)}`);
  }
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  if (version > newest) {
    throw new DatabaseOpenError(
      path,
      `The database ${path} has schema version ${version}, newer than this Decorbench understands (${newest}). Update Decorbench; the file was not changed.`,
    );
  }
  if (version === 0 && tables > 0) {
    throw new DatabaseOpenError(
      path,
      `${path} is an SQLite database of another program (it has tables but no Decorbench schema); choose another file`,
    );
  }
  return version;
}

function openConnection(path: string, readonly: boolean, options: DatabaseOptions): Database {
  try {
    return new BetterSqlite3(path, {
      readonly,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw new DatabaseOpenError(path, `Cannot open the database ${path}: ${reason(error)}`);
  }
}

/**
 * Opens (creating if needed) the run store and brings its schema up to date.
 * WAL lets the UI read while metrics are written; `synchronous = NORMAL` is durable across
 * process crashes in WAL mode, and only a power cut can lose the last transactions.
 * Every expected failure (not SQLite, newer schema, read-only, unreadable) is a `DatabaseOpenError`.
 */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database {
  const onDisk = path !== ':memory:';
  const exists = onDisk && existsSync(path);
  if (exists && statSync(path).isDirectory()) {
    throw new DatabaseOpenError(path, `The database path ${path} is a folder; give a file name`);
  }
  if (onDisk && !exists) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new DatabaseOpenError(path, `Cannot create the folder of the database ${path}: ${reason(error)}`);
    }
  }
  const readonly = exists && !isWritable(path);
  if (readonly && options.access !== 'read') {
    throw new DatabaseOpenError(
      path,
      `The database ${path} is read-only, and this command writes to it. Make the file writable or choose another with --db (commands that only read, such as "runs list", can open it as it is).`,
    );
  }
  const database = openConnection(path, readonly, options);
  try {
    const version = checkSchema(database, path);
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    if (readonly) {
      const current = MIGRATIONS.at(-1)?.version ?? 0;
      if (version < current) {
        throw new DatabaseOpenError(
          path,
          `The database ${path} is read-only and has schema version ${version}; this Decorbench reads version ${current}. Open it once with write access to upgrade it.`,
        );
      }
      return database;
    }
    try {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      migrate(database);
    } catch (error) {
      // The file or its folder refuses writes (a read-only mount, a full disk): say so; anything else is a bug.
      if (!WRITE_REFUSED.test((error as { code?: string }).code ?? '')) throw error;
      throw new DatabaseOpenError(path, `Cannot write to the database ${path}: ${reason(error)}`);
    }
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}
