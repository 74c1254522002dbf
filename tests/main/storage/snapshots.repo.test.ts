import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import type { SnapshotData } from '@shared/inspect';
import { fakeSnapshot } from '../../helpers/fake-snapshot';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';
import { tinyConfig } from '../../helpers/workbench';

describe('the snapshots repository', () => {
  const tempDir = useTempDir();
  let store: RunStore | undefined;
  afterEach(() => store?.close());

  const open = () => {
    store = RunStore.open(join(tempDir(), 'snapshots.sqlite'));
    const run = store.runs.create(runConfigSchema.parse(tinyConfig()));
    return { store, runId: run.id };
  };

  it('stores float32 snapshots exactly and lists them by step', () => {
    const { store, runId } = open();
    const later = fakeSnapshot(6, 5, 3, true, 1);
    const first = fakeSnapshot(6, 5, 3, true);
    const insert = (step: number, data: SnapshotData) =>
      store.snapshots.insert(runId, {
        step,
        epoch: step,
        source: 'training',
        dtype: 'float32',
        probeSeed: 7,
        data,
      });
    const b = insert(4, later);
    const a = insert(0, first);
    expect(store.snapshots.list(runId).map((s) => s.step)).toEqual([0, 4]);
    expect(a).toMatchObject({
      runId,
      step: 0,
      n: 6,
      d: 5,
      featureDim: 3,
      dtype: 'float32',
      source: 'training',
      hasPermutation: true,
      probeSeed: 7,
      bytes: 2 * 6 * (5 + 3) * 4 + 5 * 4,
    });
    expect(store.snapshots.summary(b.id)).toEqual(b);
    expect(store.snapshots.load(a.id)!.data).toEqual(first);
    expect(store.snapshots.load(b.id)!.data).toEqual(later);
    expect(store.snapshots.load(12345)).toBeUndefined();
  });

  it('stores float16 in half the bytes and decodes it to float32', () => {
    const { store, runId } = open();
    const data = fakeSnapshot(4, 8, 0, false);
    data.z1[0] = 1 / 3; // not a half: comes back rounded
    const summary = store.snapshots.insert(runId, {
      step: 1,
      epoch: 1,
      source: 'checkpoint',
      dtype: 'float16',
      probeSeed: 1,
      data,
    });
    expect(summary).toMatchObject({
      bytes: 2 * 4 * 8 * 2,
      hasPermutation: false,
      featureDim: 0,
      source: 'checkpoint',
    });
    const loaded = store.snapshots.load(summary.id)!.data;
    expect(loaded.z1[0]).toBeCloseTo(1 / 3, 3);
    expect(loaded.z1[0]).not.toBe(Math.fround(1 / 3));
    expect(loaded.z1.subarray(1)).toEqual(data.z1.subarray(1));
    expect(loaded.z2).toEqual(data.z2);
    expect(loaded).toMatchObject({ h1: null, h2: null, permutation: null });
  });

  it('refuses arrays that do not match the sizes', () => {
    const { store, runId } = open();
    const bad = { ...fakeSnapshot(4, 8, 2, false), h2: null };
    const insert = () =>
      store.snapshots.insert(runId, {
        step: 0,
        epoch: 0,
        source: 'training',
        dtype: 'float32',
        probeSeed: 1,
        data: bad,
      });
    expect(insert).toThrow(/H1 and H2/);
  });

  it('caches views, and removes snapshots and their views with their run', () => {
    const { store, runId } = open();
    const other = store.runs.create(runConfigSchema.parse(tinyConfig())).id;
    const insert = (run: number, step: number) =>
      store.snapshots.insert(run, {
        step,
        epoch: 0,
        source: 'training',
        dtype: 'float32',
        probeSeed: 1,
        data: fakeSnapshot(2, 3, 1, false),
      });
    const mine = insert(runId, 0);
    const kept = insert(other, 0);
    expect(store.snapshots.view(mine.id, 'overview')).toBeUndefined();
    store.snapshots.putView(mine.id, 'overview', new Uint8Array([1, 2, 3]));
    store.snapshots.putView(mine.id, 'overview', new Uint8Array([4, 5]));
    expect([...store.snapshots.view(mine.id, 'overview')!]).toEqual([4, 5]);
    expect(store.runs.delete(runId)).toBe(true);
    expect(store.snapshots.list(runId)).toEqual([]);
    expect(store.snapshots.summary(mine.id)).toBeUndefined();
    const views = store.database.prepare('SELECT COUNT(*) AS count FROM snapshot_views').get() as {
      count: number;
    };
    expect(views.count).toBe(0);
    expect(store.snapshots.list(other)).toEqual([kept]);
  });

  it('drops snapshots after the step a run resumes from, and all on a restart', () => {
    const { store, runId } = open();
    for (const step of [0, 4, 8, 12])
      store.snapshots.insert(runId, {
        step,
        epoch: 0,
        source: 'training',
        dtype: 'float32',
        probeSeed: 1,
        data: fakeSnapshot(2, 3, 0, false),
      });
    store.runs.rewindTo(runId, 8);
    expect(store.snapshots.list(runId).map((s) => s.step)).toEqual([0, 4, 8]);
    store.runs.resetForRestart(runId);
    expect(store.snapshots.list(runId)).toEqual([]);
  });
});
