import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '@shared/config/run-config';
import type { StudyPoint } from '@shared/study/types';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import type { NewStudy } from '../../../src-main/storage/studies.repo';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

const STUDY: NewStudy = {
  name: 'grid',
  description: 'two losses',
  base: { name: 'base', training: { epochs: 2 } },
  axes: [{ field: 'loss.name', values: ['bt', 'vicreg'], labels: ['BT', 'VICReg'] }],
  seeds: 1,
  seedStart: 5,
  evaluation: { linear: true, knnSweep: false, linearSettings: { epochs: 3 } },
};

const point = (loss: string, label: string): StudyPoint => ({
  values: { 'loss.name': loss },
  labels: { 'loss.name': label },
  seed: 5,
});

const config = (name: string, loss: string): RunConfig =>
  parseRunConfig({ name, seed: 5, loss: { name: loss } });

const count = (store: RunStore, table: string) =>
  (store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('studies repository', () => {
  const tempDir = useTempDir();
  let store: RunStore | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
  });

  it('stores a study with its runs linked to it, each with its point, and reads them back', () => {
    store = RunStore.open(join(tempDir(), 'studies.sqlite'));
    const runs = [
      { config: config('grid · BT', 'bt'), point: point('bt', 'BT') },
      { config: config('grid · VICReg', 'vicreg'), point: point('vicreg', 'VICReg') },
    ];
    const { id, runIds } = store.studies.create(STUDY, runs, 1_700_000_000_000);
    expect(store.studies.get(id)).toEqual({ ...STUDY, id, createdAt: 1_700_000_000_000 });
    expect(store.studies.list().map((study) => study.id)).toEqual([id]);
    const stored = store.studies.runs(id);
    expect(stored.map((entry) => entry.run.id)).toEqual(runIds);
    expect(stored.map((entry) => entry.point)).toEqual(runs.map((run) => run.point));
    expect(stored.map((entry) => [entry.run.name, entry.run.lossName, entry.run.status])).toEqual([
      ['grid · BT', 'bt', 'created'],
      ['grid · VICReg', 'vicreg', 'created'],
    ]);
    expect(store.runs.config(runIds[1]!)).toEqual(runs[1]!.config);
    expect(store.studies.runIds(id)).toEqual(runIds);
    expect(store.studies.studyOfRun(runIds[0]!)).toBe(id);
    // A run made by hand belongs to no study.
    const lone = store.runs.create(config('lone', 'bt'));
    expect(store.studies.studyOfRun(lone.id)).toBeNull();
    expect(store.studies.runs(id)).toHaveLength(2);
  });

  it('writes nothing when one of the runs cannot be stored (one transaction)', () => {
    store = RunStore.open(join(tempDir(), 'atomic.sqlite'));
    const broken = { ...config('broken', 'bt'), loss: {} } as unknown as RunConfig; // loss_name NOT NULL
    expect(() =>
      store!.studies.create(STUDY, [
        { config: config('fine', 'bt'), point: point('bt', 'BT') },
        { config: broken, point: point('bt', 'BT') },
      ]),
    ).toThrow(/NOT NULL/);
    expect(count(store, 'studies')).toBe(0);
    expect(count(store, 'runs')).toBe(0);
  });

  it('lists the evaluations of its runs, and deleting the study keeps a run left behind, unlinked', () => {
    store = RunStore.open(join(tempDir(), 'delete.sqlite'));
    const { id, runIds } = store.studies.create(STUDY, [
      { config: config('a', 'bt'), point: point('bt', 'BT') },
    ]);
    const evaluation = store.evaluations.create(runIds[0]!, 'linear', 10, { epochs: 3 });
    store.evaluations.fail(evaluation.id, 'no');
    expect(store.studies.evaluations(id)).toEqual([
      { id: evaluation.id, runId: runIds[0], kind: 'linear', status: 'failed', error: 'no' },
    ]);
    expect(store.studies.delete(id)).toBe(true);
    expect(store.studies.get(id)).toBeUndefined();
    expect(store.studies.delete(id)).toBe(false);
    expect(store.runs.summary(runIds[0]!)).toMatchObject({ name: 'a' });
    expect(store.studies.studyOfRun(runIds[0]!)).toBeNull();
  });

  it('reads completed runs with their configuration, newest first (the estimate’s history)', () => {
    store = RunStore.open(join(tempDir(), 'history.sqlite'));
    const first = store.runs.create(config('first', 'bt'));
    const second = store.runs.create(config('second', 'vicreg'));
    store.runs.create(config('unfinished', 'bt'));
    for (const run of [first, second]) store.runs.setStatus(run.id, { status: 'completed' });
    const history = store.studies.completedRuns();
    expect(history.map((run) => [run.id, run.config.name, run.summary.status])).toEqual([
      [second.id, 'second', 'completed'],
      [first.id, 'first', 'completed'],
    ]);
  });
});
