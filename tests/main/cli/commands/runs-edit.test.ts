import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../../src-main/services/runs.service';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

/** The run as a fresh process reads it back from the file. */
function stored(db: string, runId: number) {
  const store = RunStore.open(db, { access: 'read' });
  try {
    return store.runs.summary(runId)!;
  } finally {
    store.close();
  }
}

describe('runs tag, rename and note (real process, real database file)', () => {
  const tempDir = useTempDir();
  const database = () => {
    const db = join(tempDir(), 'runs.sqlite');
    const store = RunStore.open(db);
    store.runs.create(parseRunConfig(tinyConfig({ name: 'first' })));
    store.close();
    return db;
  };

  it('adds tags once each, removes them with --remove, and keeps them in the file', () => {
    const db = database();
    const added = cli(['runs', 'tag', '1', 'baseline', 'sweep', '--db', db]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('Run 1: first\n  tags   baseline sweep\n');
    expect(cli(['runs', 'tag', '1', 'sweep', 'seed-2', '--db', db]).code).toBe(0);
    expect(stored(db, 1).tags).toEqual(['baseline', 'sweep', 'seed-2']);

    const removed = cli([
      'runs',
      'tag',
      '1',
      '--remove',
      'sweep',
      '--remove',
      'missing',
      '--db',
      db,
      '--json',
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout).tags).toEqual(['baseline', 'seed-2']);
    expect(stored(db, 1).tags).toEqual(['baseline', 'seed-2']);
  });

  it('refuses a tag the API refuses, with its field message, and changes nothing', () => {
    const db = database();
    const result = cli(['runs', 'tag', '1', 'a,b', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tags\.0: A tag is one word \(no spaces or commas\)/);
    expect(stored(db, 1).tags).toEqual([]);
    expect(cli(['runs', 'tag', '1', '--db', db]).code).toBe(2);
  });

  it('renames a run (the rest of the line is the name) and refuses an empty name', () => {
    const db = database();
    const result = cli(['runs', 'rename', '1', 'bt', 'seed', '2', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(stored(db, 1).name).toBe('bt seed 2');
    const empty = cli(['runs', 'rename', '1', '  ', '--db', db]);
    expect(empty.code).toBe(2);
    expect(stored(db, 1).name).toBe('bt seed 2');
  });

  it('sets and clears notes, line breaks kept', () => {
    const db = database();
    const result = cli(['runs', 'note', '1', 'diverged at step 300\nlower the rate', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(stored(db, 1).notes).toBe('diverged at step 300\nlower the rate');
    cli(['runs', 'tag', '1', 'baseline', '--db', db]);
    expect(cli(['runs', 'show', '1', '--db', db]).stdout).toContain(
      '  tags       baseline\n  notes\n    diverged at step 300\n    lower the rate\n',
    );
    expect(cli(['runs', 'list', '--db', db]).stdout.split('\n')[2]).toMatch(/\sbaseline$/);
    expect(cli(['runs', 'note', '1', '', '--db', db]).code).toBe(0);
    expect(stored(db, 1).notes).toBe('');
  });

  it('fails for a run that does not exist', () => {
    const result = cli(['runs', 'rename', '7', 'x', '--db', database()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Run 7 does not exist/);
  });
});
