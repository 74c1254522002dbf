import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import type { CostEnvironment, CostPoint } from '@shared/cost/types';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

const settings = costStudySettingsSchema.parse({ name: 'tiny', n: 32, dims: [16, 32] });
const point = (d: number, extra: Partial<CostPoint> = {}): CostPoint => ({
  kind: 'loss',
  loss: 'bt',
  blockSize: null,
  d,
  n: 32,
  status: 'ok',
  medianMs: d / 10,
  minMs: d / 20,
  maxMs: d / 5,
  peakBytes: d * d * 4,
  repeats: 3,
  message: null,
  ...extra,
});
const environment: CostEnvironment = {
  hostname: 'lab-1',
  platform: 'linux 6.1 x64',
  cpuModel: 'Xeon',
  cpuCount: 2,
  memoryBytes: 8 * 1024 ** 3,
  backend: 'wasm',
  device: 'CPU (WebAssembly, SIMD, 2 threads)',
  adapter: null,
  appVersion: '0.1.0',
};

describe('CostRepository on a real SQLite file', () => {
  const tempDir = useTempDir();

  it('stores a study through its life: queued, running with points as they come, finished', () => {
    const store = RunStore.open(join(tempDir(), 'cost.sqlite'));
    const created = store.cost.create({
      name: 'tiny',
      status: 'queued',
      source: 'study',
      settings,
      progress: { done: 0, total: 2, current: null },
      hostPid: 4242,
      createdAt: 1000,
    });
    expect(created).toMatchObject({
      name: 'tiny',
      status: 'queued',
      source: 'study',
      createdAt: 1000,
      startedAt: null,
      environment: null,
      error: null,
      progress: { done: 0, total: 2, current: null },
    });
    expect(created.settings).toEqual(settings);
    expect(store.cost.unfinished()).toEqual([{ id: created.id, status: 'queued', hostPid: 4242 }]);

    store.cost.markRunning(created.id, 777, { done: 0, total: 2, current: null }, 2000);
    store.cost.setEnvironment(created.id, environment);
    store.cost.setProgress(created.id, { done: 0, total: 2, current: 'bt at d = 16' });
    const outOfMemory = point(32, {
      status: 'oom',
      medianMs: null,
      minMs: null,
      maxMs: null,
      peakBytes: null,
      message: 'out of memory',
    });
    store.cost.addPoint(created.id, 0, point(16));
    store.cost.addPoint(created.id, 1, outOfMemory);
    expect(store.cost.summary(created.id)).toMatchObject({
      status: 'running',
      startedAt: 2000,
      environment,
      progress: { done: 0, total: 2, current: 'bt at d = 16' },
    });
    // The host's pid survives a progress update: another host can tell a dead host's study.
    expect(store.cost.unfinished()[0]!.hostPid).toBe(777);
    expect(store.cost.points(created.id)).toEqual([point(16), outOfMemory]);

    store.cost.setProgress(created.id, { done: 2, total: 2, current: 'bt at d = 32' });
    store.cost.finish(created.id, 'completed', null, 3000);
    expect(store.cost.summary(created.id)).toMatchObject({
      status: 'completed',
      endedAt: 3000,
      progress: { done: 2, total: 2, current: null },
    });
    expect(store.cost.unfinished()).toEqual([]);
    store.close();
  });

  it('lists newest first, creates a study with its points at once, and deletes points with the study', () => {
    const store = RunStore.open(join(tempDir(), 'cost.sqlite'));
    const base = { status: 'completed' as const, settings, progress: { done: 2, total: 2, current: null } };
    const older = store.cost.create({ ...base, name: 'older', source: 'bench', createdAt: 1 }, [
      point(16),
      point(32),
    ]);
    const newer = store.cost.create({ ...base, name: 'newer', source: 'import', environment, createdAt: 2 });
    expect(store.cost.list().map((study) => study.name)).toEqual(['newer', 'older']);
    expect(store.cost.points(older.id)).toHaveLength(2);
    expect(store.cost.delete(older.id)).toBe(true);
    expect(store.cost.summary(older.id)).toBeUndefined();
    const left = store.database
      .prepare<[number], { count: number }>(
        'SELECT COUNT(*) AS count FROM cost_points WHERE cost_study_id = ?',
      )
      .get(older.id);
    expect(left?.count).toBe(0);
    expect(store.cost.delete(older.id)).toBe(false);
    expect(store.cost.summary(newer.id)?.environment).toEqual(environment);
    store.close();
  });
});
