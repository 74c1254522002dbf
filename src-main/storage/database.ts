import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrations';

export interface DatabaseOptions {
  /**
   * A better-sqlite3 addon built for another ABI than this Node's: Electron's main process needs
   * one built against Electron's headers (see scripts/rebuild-sqlite-for-electron.mjs).
   */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the run store and brings its schema up to date.
 * WAL lets the UI read while metrics are written; `synchronous = NORMAL` is durable across
 * process crashes in WAL mode, and only a power cut can lose the last transactions.
 */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(
    path,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  migrate(database);
  return database;
}
