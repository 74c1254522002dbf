import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC } from '@shared/metrics';
import type { StudyDetail, StudyPreset, StudyPreview, StudySummary } from '@shared/study/types';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { testWorkbench, tinyConfig, trainToCompletion } from '../../../helpers/workbench';
import { collect, countRows, tinyStudy, value } from './study-helpers';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('studies:preview and studies:create validate the whole grid before writing anything', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('refuses a grid with an invalid value: no study, no runs; the preview names the run and field', async () => {
    workbench = testWorkbench(join(tempDir(), 'invalid.sqlite'));
    const spec = tinyStudy({
      axes: [
        { field: 'model.projectorOutputDim', values: [64, 1] },
        { field: 'loss.name', values: ['bt', 'fft-bt'] },
      ],
      seeds: 2,
    });
    const preview = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec }));
    expect(preview.valid).toBe(false);
    expect(preview.runs).toHaveLength(8);
    expect(preview.runs.filter((run) => run.config === null)).toHaveLength(4);
    const bad = preview.runs.find((run) => run.point.values['model.projectorOutputDim'] === 1)!;
    expect(bad.issues.join(' ')).toMatch(/^model\.projectorOutputDim: /);

    const result = await workbench.dispatch('studies:create', { spec, start: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(
      /^4 of 8 runs of the study are not valid; nothing was created \(tiny study · model\.projectorOutputDim=1 · loss\.name=bt · seed 0: model\.projectorOutputDim: /,
    );
    expect(countRows(workbench, 'studies')).toBe(0);
    expect(countRows(workbench, 'runs')).toBe(0);
  });

  it('checks each run’s dataset folder as runs:create does', async () => {
    workbench = testWorkbench(join(tempDir(), 'paths.sqlite'));
    const missing = join(tempDir(), 'no-such-data');
    const spec = tinyStudy(
      {},
      tinyConfig({ dataset: { source: 'idx', path: missing } } as Parameters<typeof tinyConfig>[0]),
    );
    const preview = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec }));
    expect(preview.valid).toBe(false);
    expect(preview.runs.map((run) => run.issues)).toEqual([
      [`dataset.path: No such folder: ${missing}`],
      [`dataset.path: No such folder: ${missing}`],
    ]);
    const result = await workbench.dispatch('studies:create', { spec, start: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(countRows(workbench, 'studies') + countRows(workbench, 'runs')).toBe(0);
  });

  it('estimates the duration from earlier runs of the same shape, or says what is missing', async () => {
    workbench = testWorkbench(join(tempDir(), 'estimate.sqlite'), { maxConcurrentRuns: 2 });
    const spec = tinyStudy({ axes: [{ field: 'loss.name', values: ['bt'] }], seeds: 3 });
    const before = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec }));
    expect(before.valid).toBe(true);
    expect(before.estimate).toEqual({
      perRunMs: null,
      totalMs: null,
      wallMs: null,
      source: 'none',
      detail: 'No estimate: missing a completed run of mlp with d 64 (its step times)',
    });

    const runId = await trainToCompletion(workbench, tinyConfig());
    const stepMs = median(
      workbench.store.metrics.series(runId, METRIC.stepMs).values.filter((v): v is number => v !== null),
    );
    const after = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec }));
    expect(after.estimate.source).toBe('history');
    expect(after.estimate.detail).toBe(
      `step time ${stepMs.toFixed(0)} ms from run ${runId} (mlp, d 64, batch 64, bt) x 12 steps`,
    );
    // 12 steps at the median step time, plus the run's time outside its steps (data, kNN).
    expect(after.estimate.perRunMs).toBeGreaterThanOrEqual(Math.floor(stepMs * 12));
    expect(after.estimate.totalMs).toBe(after.estimate.perRunMs! * 3);
    expect(after.estimate.wallMs).toBe(Math.round(after.estimate.totalMs! / 2));
    // The preview wrote nothing (only the one run trained for history).
    expect(countRows(workbench, 'studies')).toBe(0);
    expect(countRows(workbench, 'runs')).toBe(1);

    // Another loss at the same backbone and d: the same step times serve, said so.
    const other = tinyStudy({ axes: [{ field: 'loss.name', values: ['vicreg'] }] });
    const fallback = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec: other }));
    expect(fallback.estimate).toMatchObject({ source: 'history', perRunMs: after.estimate.perRunMs });
  }, 120_000);

  it('stores (and queues) the runs seed by seed, every cell of a seed before the next seed', async () => {
    workbench = testWorkbench(join(tempDir(), 'order.sqlite'));
    const spec = tinyStudy({ axes: [{ field: 'loss.name', values: ['bt', 'vicreg', 'fft-bt'] }], seeds: 2 });
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: false }));
    const detail = value<StudyDetail>(await workbench.dispatch('studies:get', { studyId: created.id }));
    expect(detail.runs.map(({ point }) => `${point.labels['loss.name']} ${point.seed}`)).toEqual([
      'bt 0',
      'vicreg 0',
      'fft-bt 0',
      'bt 1',
      'vicreg 1',
      'fft-bt 1',
    ]);
    expect(detail.runs.map(({ run }) => run.id)).toEqual(
      [...detail.runs.map(({ run }) => run.id)].sort((a, b) => a - b),
    );
  });

  it('previews and lists the presets: paper-fashion-mnist is 15 valid runs', async () => {
    workbench = testWorkbench(join(tempDir(), 'presets.sqlite'), { maxConcurrentRuns: 2 });
    const presets = value<StudyPreset[]>(await workbench.dispatch('studies:presets', {}));
    const preset = presets.find((candidate) => candidate.name === 'paper-fashion-mnist')!;
    const preview = value<StudyPreview>(await workbench.dispatch('studies:preview', { spec: preset.spec }));
    expect(preview.valid).toBe(true);
    expect(preview.runs).toHaveLength(15);
    expect(new Set(preview.runs.map((run) => run.name)).size).toBe(15);
    expect(preview.estimate.source).toBe('none');
    expect(countRows(workbench, 'runs')).toBe(0);
  });

  it('refuses a grid larger than the limit before building it', async () => {
    workbench = testWorkbench(join(tempDir(), 'large.sqlite'));
    const spec = tinyStudy({
      axes: [{ field: 'training.maxSteps', values: Array.from({ length: 20 }, (_, i) => i + 1) }],
      seeds: 20,
    });
    const result = await workbench.dispatch('studies:create', { spec, start: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/400 runs; at most 256/);
    expect(countRows(workbench, 'runs')).toBe(0);
  });

  it('announces the study when one of its runs is deleted on its own', async () => {
    const path = join(tempDir(), 'one-run.sqlite');
    const first = testWorkbench(path);
    const created = value<StudySummary>(
      await first.dispatch('studies:create', { spec: tinyStudy(), start: false }),
    );
    await first.close();
    // A new host: it knows the study's runs from the store, not from having seen them.
    workbench = testWorkbench(path);
    const runIds = workbench.store.studies.runIds(created.id);
    const statuses = collect(workbench, 'study:status');
    value(await workbench.dispatch('runs:delete', { runId: runIds[0]! }));
    await expect.poll(() => statuses.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(statuses.at(-1)).toMatchObject({
      id: created.id,
      state: 'created',
      counts: { created: 1, total: 1 },
    });
  });

  it('lists no study on a fresh file and names a missing one', async () => {
    workbench = testWorkbench(join(tempDir(), 'empty.sqlite'));
    expect(value<StudySummary[]>(await workbench.dispatch('studies:list', {}))).toEqual([]);
    for (const call of ['studies:get', 'studies:start', 'studies:stop', 'studies:delete'] as const)
      expect(await workbench.dispatch(call, { studyId: 7 })).toMatchObject({
        ok: false,
        error: { code: 'not-found', message: 'Study 7 does not exist' },
      });
  });
});
