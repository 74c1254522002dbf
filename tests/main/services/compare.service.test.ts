import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallHandlers, EventPayloads } from '@shared/api/contract';
import type { RunPage } from '@shared/compare';
import type { Result } from '@shared/errors';
import { METRIC, type MetricPoint } from '@shared/metrics';
import type { RunSummary } from '@shared/runs';
import { createCompareHandlers } from '../../../src-main/services/compare.service';
import { createDispatcher } from '../../../src-main/services/dispatch';
import { EventBus } from '../../../src-main/services/event-bus';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

const NOW = 1_760_000_000_000;

/** The compare calls over a real store file, through the same dispatcher the hosts use. */
function openCompare(path: string) {
  const store = RunStore.open(path);
  const events = new EventBus();
  const statuses: EventPayloads['run:status'][] = [];
  events.subscribe((channel, payload) => {
    if (channel === 'run:status') statuses.push(payload as RunSummary);
  });
  const handlers = createCompareHandlers(store, events, () => NOW) as CallHandlers;
  const dispatch = createDispatcher(handlers, () => {});
  const call = async <T>(channel: string, input: unknown): Promise<T> => {
    const result = await dispatch(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  return { store, dispatch, call, statuses };
}

const points = (name: string, entries: [step: number, value: number][]): MetricPoint[] =>
  entries.map(([step, value]) => ({ name, step, epoch: 1, value, wallTimeMs: NOW + step }));

describe('the compare calls reject bad input with field messages', () => {
  const tempDir = useTempDir();

  it.each([
    ['runs:query', { sort: 'size' }, 'sort'],
    ['runs:query', { limit: 0 }, 'limit'],
    ['runs:query', { status: ['sleeping'] }, 'status.0'],
    ['runs:query', { tags: ['two words'] }, 'tags.0'],
    ['runs:update', { runId: 1, name: '   ' }, 'name'],
    ['runs:update', { runId: 1, tags: ['a,b'] }, 'tags.0'],
    ['runs:update', { runId: 1, notes: 'x'.repeat(10_001) }, 'notes'],
    ['runs:update', { runId: 1, colour: 'red' }, 'colour'],
    ['metrics:range', { runIds: [], names: ['loss'] }, 'runIds'],
    ['metrics:range', { runIds: [1], names: [] }, 'names'],
    ['metrics:range', { runIds: [1], names: ['loss'], points: 5 }, 'points'],
    ['metrics:range', { runIds: [1], names: ['loss'], fromStep: -1 }, 'fromStep'],
    ['metrics:range', { runIds: [1], names: ['loss'], fromStep: 50, toStep: 10 }, 'fromStep'],
    ['compare:rows', { runIds: [0] }, 'runIds.0'],
    ['comparisons:save', { name: '', state: { runIds: [1] } }, 'name'],
    ['comparisons:save', { name: 'x', state: { runIds: [1], smoothing: 2 } }, 'state.smoothing'],
    ['comparisons:save', { name: 'x', state: { runIds: [1], xAxis: 'time' } }, 'state.xAxis'],
    ['comparisons:delete', {}, 'id'],
  ])('%s %j: a message for %s', async (channel, input, field) => {
    const { store, dispatch } = openCompare(join(tempDir(), 'runs.sqlite'));
    store.runs.create(parseRunConfig({ name: 'one' }));
    const result = await dispatch(channel, input);
    store.close();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.fields).toHaveProperty(field);
    }
  });

  it('names the runs and comparisons that do not exist', async () => {
    const { store, dispatch } = openCompare(join(tempDir(), 'runs.sqlite'));
    store.runs.create(parseRunConfig({ name: 'one' }));
    const failures = await Promise.all([
      dispatch('runs:update', { runId: 7, name: 'x' }),
      dispatch('metrics:range', { runIds: [1, 8, 9], names: [METRIC.loss] }),
      dispatch('compare:rows', { runIds: [5] }),
      dispatch('comparisons:save', { id: 3, name: 'x', state: { runIds: [1] } }),
      dispatch('comparisons:delete', { id: 3 }),
    ]);
    store.close();
    const messages = failures.map((result: Result<unknown>) => (result.ok ? 'ok' : result.error.message));
    expect(messages).toEqual([
      'Run 7 does not exist',
      'Runs 8, 9 do not exist',
      'Run 5 does not exist',
      'Saved comparison 3 does not exist',
      'Saved comparison 3 does not exist',
    ]);
  });
});

describe('run metadata and saved comparisons persist in the SQLite file', () => {
  const tempDir = useTempDir();

  it('keeps a rename, tags and notes across reopening, and tells the lists', async () => {
    const path = join(tempDir(), 'runs.sqlite');
    const first = openCompare(path);
    const run = first.store.runs.create(parseRunConfig({ name: 'bt seed 0' }));
    const updated = await first.call<RunSummary>('runs:update', {
      runId: run.id,
      name: '  sBT block 64  ',
      tags: ['seed-0', 'Sweep', 'sweep'],
      notes: 'Block size 64; compare with the BT twin.\nSecond line.',
    });
    expect(updated).toMatchObject({ name: 'sBT block 64', tags: ['seed-0', 'Sweep'] });
    expect(first.statuses).toEqual([updated]);
    // Only the fields given change.
    await first.call('runs:update', { runId: run.id, notes: 'Only the notes.' });
    first.store.close();

    const second = openCompare(path);
    const summary = second.store.runs.summary(run.id)!;
    expect(summary).toMatchObject({
      name: 'sBT block 64',
      tags: ['seed-0', 'Sweep'],
      notes: 'Only the notes.',
    });
    expect(second.store.runs.config(run.id)!.name).toBe('sBT block 64');
    const page = await second.call<RunPage>('runs:query', { tags: ['SWEEP'] });
    expect(page.runs.map((r) => r.id)).toEqual([run.id]);
    second.store.close();
  });

  it('saves, lists, overwrites and deletes comparisons', async () => {
    const path = join(tempDir(), 'runs.sqlite');
    const first = openCompare(path);
    const saved = await first.call<{ id: number; createdAt: number; updatedAt: number }>('comparisons:save', {
      name: 'BT vs sBT over seeds',
      state: {
        runIds: [3, 1, 2],
        metrics: [METRIC.loss, METRIC.knnTop1],
        groupBy: ['loss.name'],
        band: 'ci95',
      },
    });
    const other = await first.call<{ id: number }>('comparisons:save', {
      name: 'other',
      state: { runIds: [4] },
    });
    const overwritten = await first.call<{ createdAt: number; name: string }>('comparisons:save', {
      id: saved.id,
      name: 'BT vs sBT (3 seeds)',
      state: { runIds: [3, 1, 2], xAxis: 'epoch', smoothing: 0.6, logY: true },
    });
    expect(overwritten).toMatchObject({ name: 'BT vs sBT (3 seeds)', createdAt: saved.createdAt });
    first.store.close();

    const second = openCompare(path);
    const list = await second.call<{ id: number; name: string; state: unknown }[]>('comparisons:list', {});
    expect(list.map((c) => c.id).sort()).toEqual([saved.id, other.id].sort());
    expect(list.find((c) => c.id === saved.id)!.state).toEqual({
      runIds: [3, 1, 2],
      metrics: [],
      xAxis: 'epoch',
      smoothing: 0.6,
      logY: true,
      ignoreOutliers: false,
      groupBy: [],
      band: 'minmax',
    });
    expect(await second.call('comparisons:delete', { id: other.id })).toEqual({ id: other.id });
    expect((await second.call<unknown[]>('comparisons:list', {})).length).toBe(1);
    second.store.close();
  });
});

describe('runs:query filters, sorts and pages in the store', () => {
  const tempDir = useTempDir();

  /** Nine runs with different names, losses, statuses, tags, notes and accuracies. */
  function fill(store: RunStore) {
    const specs = [
      { name: 'BT baseline', loss: 'bt', tags: ['baseline'], knn: 0.61, status: 'completed' },
      { name: 'sBT block 64', loss: 'fft-bt', tags: ['seed-0'], knn: 0.64, status: 'completed' },
      { name: 'sBT block 64', loss: 'fft-bt', tags: ['seed-1'], knn: 0.66, status: 'failed' },
      { name: 'VICReg', loss: 'vicreg', tags: [], knn: null, status: 'created' },
      { name: 'sVICReg 50%', loss: 'fft-vicreg', tags: ['seed-0', 'baseline'], knn: 0.58, status: 'stopped' },
      { name: 'ünïcode Ärger', loss: 'bt', tags: [], knn: 0.5, status: 'completed' },
      { name: 'mlp probe', loss: 'bt', tags: [], knn: null, status: 'completed', backbone: 'mlp' },
      { name: 'notes only', loss: 'bt', tags: [], knn: 0.7, status: 'completed', notes: 'LR sweep: 0.3' },
      { name: 'last', loss: 'vicreg', tags: ['seed-1'], knn: 0.55, status: 'interrupted' },
    ] as const;
    for (const [index, spec] of specs.entries()) {
      const config = parseRunConfig({
        name: spec.name,
        loss: { name: spec.loss },
        ...('backbone' in spec ? { model: { backbone: spec.backbone } } : {}),
      });
      const run = store.runs.create(config, 1_700_000_000_000 + (index % 3) * 1000);
      store.runQueries.update(run.id, { tags: spec.tags, ...('notes' in spec ? { notes: spec.notes } : {}) });
      store.runs.setStatus(run.id, { status: spec.status });
      if (spec.knn !== null) store.runs.mergeResults(run.id, { knnTop1: spec.knn });
    }
  }

  it('matches every word of the filter against name, status, loss, backbone, tags and notes', async () => {
    const { store, call } = openCompare(join(tempDir(), 'runs.sqlite'));
    fill(store);
    const ids = async (input: object) =>
      (await call<RunPage>('runs:query', { sort: 'id', direction: 'asc', ...input })).runs.map((r) => r.id);
    expect(await ids({ filter: 'fft' })).toEqual([2, 3, 5]); // loss names
    expect(await ids({ filter: 'SBT' })).toEqual([2, 3]); // names, any case
    expect(await ids({ filter: 'baseline' })).toEqual([1, 5]); // a name and tags
    expect(await ids({ filter: 'failed' })).toEqual([3]); // status
    expect(await ids({ filter: 'MLP' })).toEqual([7]); // backbone and name
    expect(await ids({ filter: 'lr sweep' })).toEqual([8]); // notes, every word
    expect(await ids({ filter: 'sbt seed-1' })).toEqual([3]);
    expect(await ids({ filter: 'ärger' })).toEqual([6]); // lower() beyond ASCII on both sides
    expect(await ids({ filter: '50%' })).toEqual([5]); // % is a character, not a wildcard
    expect(await ids({ filter: '%' })).toEqual([5]);
    expect(await ids({ status: ['completed', 'stopped'] })).toEqual([1, 2, 5, 6, 7, 8]);
    expect(await ids({ tags: ['seed-0', 'baseline'] })).toEqual([5]); // every tag
    expect(await ids({ tags: ['seed-1'], filter: 'vicreg' })).toEqual([9]);
    store.close();
  });

  it('sorts server-side with missing figures last and pages with a stable total', async () => {
    const { store, call } = openCompare(join(tempDir(), 'runs.sqlite'));
    fill(store);
    const query = (input: object) => call<RunPage>('runs:query', input);
    const knnDesc = await query({ sort: 'knnTop1', direction: 'desc' });
    expect(knnDesc.runs.map((r) => r.id)).toEqual([8, 3, 2, 1, 5, 9, 6, 7, 4]);
    const knnAsc = await query({ sort: 'knnTop1', direction: 'asc' });
    expect(knnAsc.runs.map((r) => r.id)).toEqual([6, 9, 5, 1, 2, 3, 8, 4, 7]);
    const byName = await query({ sort: 'name', direction: 'asc' });
    expect(byName.runs.map((r) => r.name).slice(0, 3)).toEqual(['BT baseline', 'last', 'mlp probe']);
    const byCreation = await query({ sort: 'createdAt', direction: 'asc' });
    expect(byCreation.runs.map((r) => r.id)).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]); // ties by id
    const pages: number[] = [];
    for (let offset = 0; offset < 9; offset += 4) {
      const page = await query({ sort: 'createdAt', direction: 'asc', offset, limit: 4 });
      expect(page.total).toBe(9);
      pages.push(...page.runs.map((r) => r.id));
    }
    expect(pages).toEqual(byCreation.runs.map((r) => r.id));
    expect(await query({ filter: 'sbt', offset: 10 })).toEqual({ total: 2, runs: [] });
    store.close();
  });
});

describe('compare:rows', () => {
  const tempDir = useTempDir();

  it('gives each run its figures from its metrics, progress and evaluations', async () => {
    const { store, call } = openCompare(join(tempDir(), 'runs.sqlite'));
    const config = parseRunConfig({ name: 'measured', loss: { name: 'fft-bt' } });
    const measured = store.runs.create(config);
    const empty = store.runs.create(parseRunConfig({ name: 'never started' }));
    store.runs.setStatus(measured.id, { status: 'completed', startedAt: NOW - 90_000, endedAt: NOW - 1000 });
    store.runs.setBackend(measured.id, 'wasm', 'single-thread SIMD', []);
    store.runs.setProgress(measured.id, {
      step: 40,
      totalSteps: 40,
      epoch: 2,
      totalEpochs: 2,
      trainingMs: 61_000,
      loss: 2.5,
    });
    store.runQueries.update(measured.id, { tags: ['sweep'] });
    store.metrics.append(measured.id, [
      ...points(METRIC.loss, [
        [1, 9],
        [20, 4],
        [40, 2.25],
      ]),
      ...points(METRIC.knnTop1, [
        [0, 0.21],
        [20, 0.5],
        [40, 0.62],
      ]),
      ...points(METRIC.probeValTop1, [
        [20, 0.4],
        [40, 0.55],
      ]),
      ...points(METRIC.stepMs, [
        [1, 900],
        [2, 40],
        [3, 30],
        [4, 50],
      ]),
      ...points(METRIC.lossMs, [[3, 9]]), // timed once by the run
      ...points(METRIC.rssBytes, [
        [1, 1e8],
        [2, 3e8],
        [3, 2e8],
      ]),
    ]);
    const evaluation = store.evaluations.create(measured.id, 'linear', 40, { epochs: 5 });
    store.evaluations.complete(evaluation.id, { top1: 0.71, top5: 0.95 });
    const rows = await call<Record<string, unknown>[]>('compare:rows', { runIds: [empty.id, measured.id] });
    expect(rows.map((row) => row.runId)).toEqual([empty.id, measured.id]); // in the order asked
    expect(rows[1]).toMatchObject({
      name: 'measured',
      status: 'completed',
      tags: ['sweep'],
      backend: 'wasm',
      device: 'single-thread SIMD',
      steps: 40,
      totalSteps: 40,
      trainingMs: 61_000,
      loss: 2.25, // the last logged loss, not the progress report's
      knnTop1Initial: 0.21,
      knnTop1Final: 0.62,
      probeTop1: 0.71, // the offline linear evaluation over the online probe
      medianStepMs: 45, // (40 + 50) / 2 of 900, 40, 30, 50
      lossShare: 0.2, // 9 ms of the loss alone over the 45 ms median step
      peakRssBytes: 3e8,
      config: { name: 'measured', loss: { name: 'fft-bt' } },
      evaluations: [expect.objectContaining({ id: evaluation.id, results: { top1: 0.71, top5: 0.95 } })],
    });
    expect(rows[0]).toMatchObject({
      status: 'created',
      steps: 0,
      totalSteps: null,
      trainingMs: null,
      loss: null,
      knnTop1Initial: null,
      knnTop1Final: null,
      probeTop1: null,
      medianStepMs: null,
      lossShare: null,
      peakRssBytes: null,
      evaluations: [],
    });
    store.close();
  });
});

describe('metrics:range', () => {
  const tempDir = useTempDir();

  it('gives a series per run and metric and a clock per run, within the asked steps', async () => {
    const { store, call } = openCompare(join(tempDir(), 'runs.sqlite'));
    const config = parseRunConfig({ name: 'two epochs', training: { epochs: 2, batchSize: 32 } });
    const run = store.runs.create(config);
    const other = store.runs.create(parseRunConfig({ name: 'no metrics yet' }));
    // 10 steps an epoch, 250 ms a step; knn at initialisation and each epoch's end.
    store.metrics.append(
      run.id,
      Array.from({ length: 20 }, (_, index) => ({
        name: METRIC.loss,
        step: index + 1,
        epoch: Math.floor(index / 10) + 1,
        value: 10 - index * 0.25,
        wallTimeMs: NOW + index * 250,
      })),
    );
    store.metrics.append(
      run.id,
      points(METRIC.knnTop1, [
        [0, 0.2],
        [10, 0.4],
        [20, 0.5],
      ]),
    );
    type Range = {
      series: { runId: number; name: string; steps: number[]; totalPoints: number; reduced: boolean }[];
      clocks: {
        runId: number;
        stepsPerEpoch: number;
        batchSize: number;
        steps: number[];
        trainingMs: number[];
      }[];
    };
    const range = await call<Range>('metrics:range', {
      runIds: [run.id, other.id, run.id],
      names: [METRIC.loss, METRIC.knnTop1, METRIC.loss],
      fromStep: 5,
      toStep: 15,
    });
    expect(range.series.map((s) => [s.runId, s.name, s.totalPoints, s.reduced])).toEqual([
      [run.id, METRIC.loss, 11, false],
      [run.id, METRIC.knnTop1, 1, false],
      [other.id, METRIC.loss, 0, false],
      [other.id, METRIC.knnTop1, 0, false],
    ]);
    expect(range.series[0]!.steps).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(range.clocks[0]).toEqual({
      runId: run.id,
      stepsPerEpoch: 10,
      batchSize: 32,
      steps: Array.from({ length: 20 }, (_, index) => index + 1),
      trainingMs: Array.from({ length: 20 }, (_, index) => index * 250),
    });
    expect(range.clocks[1]).toMatchObject({ runId: other.id, steps: [], trainingMs: [] });
    store.close();
  });
});
