import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { DatabaseOpenError } from '../../../src-main/storage/database';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';
import { BUILD_DIR, requireBuild } from '../../helpers/workbench';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The error RunStore.open throws, so tests can look at its class and message. */
function openError(path: string, options: Parameters<typeof RunStore.open>[1] = {}): DatabaseOpenError {
  try {
    RunStore.open(path, options).close();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseOpenError);
    return error as DatabaseOpenError;
  }
  throw new Error(`RunStore.open(${path}) did not fail`);
}

/** `chattr +i` makes a file read-only even for root (tests here run as root, where chmod 444 does not). */
function makeImmutable(path: string, on: boolean): boolean {
  return spawnSync('chattr', [on ? '+i' : '-i', path]).status === 0;
}

describe('opening the run store: files it must not or cannot write', () => {
  const tempDir = useTempDir();
  const immutable: string[] = [];
  afterEach(() => {
    for (const path of immutable.splice(0)) makeImmutable(path, false);
  });

  it('refuses a newer schema without writing: the file stays byte-identical, journal mode unchanged', () => {
    const path = join(tempDir(), 'future.sqlite');
    const database = new BetterSqlite3(path);
    database.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)');
    database.pragma('user_version = 999');
    database.close();
    const before = sha256(path);

    const error = openError(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/schema version 999, newer than this Decorbench/);
    expect(sha256(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('names the file when it is not SQLite, or SQLite of another program, and leaves it alone', () => {
    const text = join(tempDir(), 'notes.sqlite');
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(20));
    const textError = openError(text);
    expect(textError.message).toBe(`${text} is not a Decorbench database (not an SQLite file)`);
    expect(readFileSync(text, 'utf8')).toBe('these are my notes, not a database\n'.repeat(20));

    const foreign = join(tempDir(), 'other.sqlite');
    const database = new BetterSqlite3(foreign);
    database.exec('CREATE TABLE contacts (name TEXT)');
    database.close();
    const before = sha256(foreign);
    expect(openError(foreign).message).toMatch(/SQLite database of another program/);
    expect(sha256(foreign)).toBe(before);

    const folder = join(tempDir(), 'a-folder');
    mkdirSync(folder);
    expect(openError(folder).message).toMatch(/is a folder/);
  });

  it('opens a read-only file for reading only; a host that must write gets a clear refusal', (context) => {
    const path = join(tempDir(), 'readonly.sqlite');
    const store = RunStore.open(path);
    store.runs.create(parseRunConfig({ name: 'kept' }));
    store.close();
    if (!makeImmutable(path, true)) return context.skip();
    immutable.push(path);
    const before = sha256(path);

    const refusal = openError(path);
    expect(refusal.message).toContain(`The database ${path} is read-only`);

    const reader = RunStore.open(path, { access: 'read' });
    expect(reader.readonly).toBe(true);
    expect(reader.runs.list().map((run) => run.name)).toEqual(['kept']);
    expect(() => reader.runs.create(parseRunConfig({ name: 'new' }))).toThrow(/readonly/);
    reader.close();
    expect(sha256(path)).toBe(before);
  });

  it('a chmod 444 file: `runs list` reads it and `train` refuses, both without a stack (as a non-root user)', () => {
    requireBuild();
    const dir = tempDir();
    // The user's own folder (they may create files in it) with a file they made read-only.
    chmodSync(dir, 0o777);
    const path = join(dir, 'shared.sqlite');
    const store = RunStore.open(path);
    store.runs.create(parseRunConfig({ name: 'listed' }));
    store.close();
    chmodSync(path, 0o444);
    // Root ignores mode bits, so the commands run as "nobody" when this test runs as root.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(BUILD_DIR, 'cli.js'), ...args, '--db', path], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, HOME: dir },
        ...asUser,
      });

    const list = cli('runs', 'list');
    expect(list.stderr).toBe('');
    expect(list.stdout).toContain('listed');
    expect(list.status).toBe(0);

    const train = cli('train', '--preset', 'quickstart');
    expect(train.status).toBe(1);
    expect(train.stderr).toContain(`The database ${path} is read-only`);
    expect(train.stderr).not.toMatch(/\n\s+at /);

    // A folder it may not write either: SQLite cannot create the -shm file it needs to read WAL.
    rmSync(`${path}-shm`, { force: true });
    rmSync(`${path}-wal`, { force: true });
    chmodSync(dir, 0o755);
    const locked = cli('runs', 'list');
    expect(locked.status).toBe(1);
    expect(locked.stderr).toContain(`Cannot read the database ${path}: it is read-only and so is its folder`);
  });
});
