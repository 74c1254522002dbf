import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@shared/metrics';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { migrate, MIGRATIONS } from '../../../src-main/storage/migrations';
import { CheckpointsRepository } from '../../../src-main/storage/checkpoints.repo';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

const config = (name = 'test run') => parseRunConfig({ name });

describe('RunStore on a real SQLite file', () => {
  const tempDir = useTempDir();

  it('creates the schema from scratch with WAL and foreign keys, and reopens without migrating again', () => {
    const path = join(tempDir(), 'nested', 'runs.sqlite');
    const store = RunStore.open(path);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    const tables = store.database
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['runs', 'metric_points', 'checkpoints', 'run_logs', 'run_overview']),
    );
    store.runs.create(config());
    store.close();
    const reopened = RunStore.open(path);
    expect(reopened.runs.list()).toHaveLength(1);
    reopened.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(tempDir(), 'future.sqlite');
    const database = new BetterSqlite3(path);
    database.pragma('user_version = 999');
    database.close();
    expect(() => RunStore.open(path)).toThrow(/schema version 999/);
  });

  it('applies only the migrations that are missing', () => {
    const database = new BetterSqlite3(join(tempDir(), 'partial.sqlite'));
    migrate(database, [{ version: 1, description: 'one', sql: 'CREATE TABLE a (x)' }]);
    migrate(database, [
      { version: 1, description: 'one', sql: 'CREATE TABLE a (x)' },
      { version: 2, description: 'two', sql: 'CREATE TABLE b (y)' },
    ]);
    expect(database.pragma('user_version', { simple: true })).toBe(2);
    database.close();
  });

  it('stores runs with their config and status changes', () => {
    const store = RunStore.open(join(tempDir(), 'runs.sqlite'));
    const run = store.runs.create(config('first'));
    expect(run).toMatchObject({ name: 'first', status: 'created', lossName: 'fft-bt', startedAt: null });
    store.runs.setStatus(run.id, { status: 'running', startedAt: 1000 });
    store.runs.setBackend(run.id, 'wasm', 'CPU', ['tensorflow: not installed']);
    store.runs.setProgress(run.id, { step: 3, totalSteps: 10, epoch: 1, totalEpochs: 1 });
    store.runs.mergeResults(run.id, { loss: 0.5 });
    store.runs.mergeResults(run.id, { steps: 10 });
    const detail = store.runs.detail(run.id)!;
    expect(detail).toMatchObject({
      status: 'running',
      startedAt: 1000,
      backend: 'wasm',
      backendNotes: ['tensorflow: not installed'],
      progress: { step: 3, totalSteps: 10 },
      results: { loss: 0.5, steps: 10 },
    });
    expect(detail.config.name).toBe('first');
    expect(store.runs.list({ statuses: ['completed'] })).toEqual([]);
    store.close();
  });

  it('writes metric batches in one transaction and fetches a series in step order', () => {
    const store = RunStore.open(join(tempDir(), 'metrics.sqlite'));
    const run = store.runs.create(config());
    const points: MetricPoint[] = [];
    for (let step = 5000; step >= 1; step--) {
      points.push({ name: 'loss', step, epoch: 1, value: 1 / step, wallTimeMs: step });
      points.push({ name: 'lr', step, epoch: 1, value: 0.1, wallTimeMs: step });
    }
    points.push({ name: 'loss', step: 5001, epoch: 1, value: NaN, wallTimeMs: 0 });
    store.metrics.append(run.id, points);
    const loss = store.metrics.series(run.id, 'loss');
    expect(loss.steps).toHaveLength(5001);
    expect(loss.steps.slice(0, 3)).toEqual([1, 2, 3]);
    expect(loss.values[1]).toBeCloseTo(0.5);
    expect(loss.values.at(-1)).toBeNull();
    expect(store.metrics.series(run.id, 'loss', 4998).steps).toEqual([4999, 5000, 5001]);
    expect(store.metrics.names(run.id)).toEqual(['loss', 'lr']);
    expect(store.metrics.latest(run.id)).toEqual({ lr: 0.1 }); // the newest loss is NaN: no value
    // A step written again keeps the newer value instead of duplicating it.
    store.metrics.append(run.id, [{ name: 'lr', step: 1, epoch: 1, value: 0.2, wallTimeMs: 0 }]);
    expect(store.metrics.series(run.id, 'lr').values[0]).toBe(0.2);
    expect(store.metrics.series(run.id, 'lr').steps).toHaveLength(5000);
    store.close();
  });

  it('rolls back a failing batch as a whole', () => {
    const store = RunStore.open(join(tempDir(), 'atomic.sqlite'));
    const run = store.runs.create(config());
    const bad = [
      { name: 'loss', step: 1, epoch: 1, value: 1, wallTimeMs: 0 },
      { name: null as unknown as string, step: 2, epoch: 1, value: 1, wallTimeMs: 0 },
    ];
    expect(() => store.metrics.append(run.id, bad)).toThrow();
    expect(store.metrics.names(run.id)).toEqual([]);
    store.close();
  });

  it('deletes a run with its metrics, logs and checkpoints (foreign keys cascade)', () => {
    const store = RunStore.open(join(tempDir(), 'cascade.sqlite'));
    const run = store.runs.create(config());
    store.metrics.append(run.id, [{ name: 'loss', step: 1, epoch: 1, value: 1, wallTimeMs: 0 }]);
    store.logs.append(run.id, 'info', 'hello');
    store.checkpoints.save(run.id, { step: 1, epoch: 1, format: 'test', data: new Uint8Array([1, 2, 3]) });
    expect(store.runs.delete(run.id)).toBe(true);
    const count = (table: string) =>
      (store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('metric_points'), count('run_logs'), count('checkpoints')]).toEqual([0, 0, 0]);
    expect(() =>
      store.metrics.append(run.id, [{ name: 'x', step: 1, epoch: 1, value: 1, wallTimeMs: 0 }]),
    ).toThrow(/FOREIGN KEY/);
    store.close();
  });

  it('keeps log lines in order and returns the tail', () => {
    const store = RunStore.open(join(tempDir(), 'logs.sqlite'));
    const run = store.runs.create(config());
    for (let i = 0; i < 30; i++) store.logs.append(run.id, 'info', `line ${i}`);
    expect(store.logs.tail(run.id, 3).map((line) => line.message)).toEqual(['line 27', 'line 28', 'line 29']);
    const first = store.logs.list(run.id, 0, 5);
    expect(store.logs.list(run.id, first.at(-1)!.id, 1)[0]!.message).toBe('line 5');
    store.close();
  });

  it('verifies checkpoint checksums on load', () => {
    const store = RunStore.open(join(tempDir(), 'checkpoints.sqlite'));
    const run = store.runs.create(config());
    const saved = store.checkpoints.save(run.id, {
      step: 10,
      epoch: 1,
      format: 'test',
      data: new Uint8Array([9, 8, 7, 6]),
    });
    expect(store.checkpoints.load(saved.id).data).toEqual(Buffer.from([9, 8, 7, 6]));
    store.database
      .prepare('UPDATE checkpoints SET data = ? WHERE id = ?')
      .run(Buffer.from([9, 8, 7, 0]), saved.id);
    expect(() => store.checkpoints.load(saved.id)).toThrow(/corrupt/);
    store.close();
  });

  it('stores checkpoints larger than one part in order, verifies them and deletes them with the run', () => {
    const store = RunStore.open(join(tempDir(), 'parts.sqlite'));
    const checkpoints = new CheckpointsRepository(store.database, 5);
    const run = store.runs.create(config());
    const bytes = Uint8Array.from({ length: 12 }, (_, index) => index * 7);
    const saved = checkpoints.save(run.id, { step: 3, epoch: 1, format: 'test', data: bytes });
    const count = (table: string) =>
      (store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('checkpoint_parts')).toBe(3);
    expect(saved.sizeBytes).toBe(12);
    expect(checkpoints.load(saved.id).data).toEqual(Buffer.from(bytes));
    // Small checkpoints stay in one row.
    const small = checkpoints.save(run.id, { step: 4, epoch: 1, format: 'test', data: bytes.slice(0, 5) });
    expect(count('checkpoint_parts')).toBe(3);
    expect(checkpoints.load(small.id).data).toEqual(Buffer.from(bytes.slice(0, 5)));
    store.database
      .prepare('UPDATE checkpoint_parts SET data = ? WHERE checkpoint_id = ? AND part = 1')
      .run(Buffer.from([0, 0, 0, 0, 0]), saved.id);
    expect(() => checkpoints.load(saved.id)).toThrow(/corrupt/);
    store.runs.delete(run.id);
    expect(count('checkpoint_parts')).toBe(0);
    store.close();
  });

  it('keeps the newest K checkpoints and the best one, and falls back past a corrupt one', () => {
    const store = RunStore.open(join(tempDir(), 'retention.sqlite'));
    const run = store.runs.create(config());
    const accuracies = [0.2, 0.9, 0.3, 0.4, 0.5];
    accuracies.forEach((knnTop1, index) =>
      store.checkpoints.save(
        run.id,
        { step: (index + 1) * 10, epoch: index + 1, format: 'test', data: new Uint8Array([index]), knnTop1 },
        { keepLast: 2, keepBest: true },
      ),
    );
    expect(store.checkpoints.list(run.id).map((info) => info.step)).toEqual([20, 40, 50]);
    const newest = store.checkpoints.list(run.id).at(-1)!;
    store.database.prepare('UPDATE checkpoints SET data = ? WHERE id = ?').run(Buffer.from([99]), newest.id);
    const rejected: number[] = [];
    const good = store.checkpoints.latestGood(
      run.id,
      (data) => data[0],
      (info) => rejected.push(info.step),
    );
    expect(rejected).toEqual([50]);
    expect(good).toMatchObject({ info: { step: 40 }, value: 3 });
    store.close();
  });

  it('marks runs of a dead host interrupted at start-up and leaves a live host alone', () => {
    const store = RunStore.open(join(tempDir(), 'recover.sqlite'));
    const orphan = store.runs.create(config('orphan'));
    const queued = store.runs.create(config('queued'));
    const owned = store.runs.create(config('owned by a live host'));
    store.runs.setStatus(orphan.id, { status: 'running', ownerPid: 111 });
    store.runs.setStatus(queued.id, { status: 'queued', ownerPid: 111 });
    store.runs.setStatus(owned.id, { status: 'running', ownerPid: 222 });
    const result = store.runs.recoverAfterRestart((pid) => pid === 222, 5000);
    expect(result).toEqual({ interrupted: [orphan.id], requeued: [queued.id] });
    expect(store.runs.summary(orphan.id)).toMatchObject({ status: 'interrupted', endedAt: 5000 });
    expect(store.runs.summary(queued.id)!.status).toBe('created');
    expect(store.runs.summary(owned.id)!.status).toBe('running');
    store.close();
  });
});
