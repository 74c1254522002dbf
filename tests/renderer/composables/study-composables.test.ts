import { ref } from 'vue';
import { describe, expect, it } from 'vitest';
import type { CallInput } from '@shared/api/contract';
import { RUN_STATUSES, type RunSummary } from '@shared/runs';
import { STUDY_PRESETS } from '@shared/study/presets';
import type { StudyDetail, StudyPreview, StudyReport, StudySummary } from '@shared/study/types';
import { createApiClient } from '../../../src-renderer/api/client';
import { useStudy } from '../../../src-renderer/composables/useStudy';
import { useStudyForm } from '../../../src-renderer/composables/useStudyForm';
import { useEffectScopes } from '../effect-scopes';
import { FakeTransport, settle } from '../fake-transport';

const { inScope } = useEffectScopes();
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const BASE = { name: 'base', model: { backbone: 'mlp', projectorOutputDim: 64 }, loss: { name: 'bt' } };

function previewOf(spec: CallInput<'studies:preview'>['spec'], valid = true): StudyPreview {
  const values = spec.axes?.[0]?.values ?? [];
  return {
    runs: values.map((value) => ({
      point: { values: { loss: value }, labels: { loss: String(value) }, seed: 0 },
      name: `${spec.name} · ${String(value)}`,
      config: null,
      issues: valid ? [] : ['loss.blockSize: too big'],
    })),
    valid,
    estimate: { perRunMs: null, totalMs: null, wallMs: null, source: 'none', detail: 'nothing yet' },
  };
}

function counts(given: Partial<StudySummary['counts']>): StudySummary['counts'] {
  const all = {
    ...Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])),
    ...given,
  } as StudySummary['counts'];
  all.total = RUN_STATUSES.reduce((sum, status) => sum + all[status], 0);
  return all;
}

describe('useStudyForm', () => {
  function setup(transport = new FakeTransport()) {
    transport.reply('studies:presets', Object.values(STUDY_PRESETS));
    transport.handle('studies:preview', ({ spec }) => ({ ok: true, value: previewOf(spec) }));
    const base = ref<Record<string, unknown>>(BASE);
    const study = inScope(() => useStudyForm({ base, debounceMs: 20, api: createApiClient(transport) }));
    return { transport, study, base };
  }

  it('previews once per burst of edits, only while open and sendable, and launches what it previewed', async () => {
    const { transport, study, base } = setup();
    study.name.value = 'grid';
    study.addAxis('loss.name');
    await wait(40);
    // Closed: nothing is asked.
    expect(transport.callsTo('studies:preview')).toEqual([]);
    study.enabled.value = true;
    await settle();
    // The axis has no value yet: it says so, and nothing is sent.
    expect(study.axisErrors.value).toEqual({ 1: 'Give at least one value' });
    await wait(40);
    expect(transport.callsTo('studies:preview')).toEqual([]);
    study.updateAxis(1, { text: 'bt' });
    study.updateAxis(1, { text: 'bt, fft' });
    study.updateAxis(1, { text: 'bt, fft-bt' });
    await settle();
    expect(study.isPreviewing.value).toBe(true);
    expect(study.canLaunch.value).toBe(false);
    await wait(60);
    expect(transport.callsTo('studies:preview')).toHaveLength(1);
    expect(study.preview.value?.runs.map((run) => run.name)).toEqual(['grid · bt', 'grid · fft-bt']);
    expect(study.canLaunch.value).toBe(true);
    // The form's configuration is the base; editing it previews again.
    base.value = { ...BASE, training: { epochs: 2 } };
    await wait(60);
    const sent = transport.callsTo('studies:preview') as CallInput<'studies:preview'>[];
    expect(sent).toHaveLength(2);
    expect(sent[1]!.spec).toMatchObject({
      name: 'grid',
      base: { training: { epochs: 2 } },
      axes: [{ field: 'loss.name', values: ['bt', 'fft-bt'] }],
      seeds: 1,
    });
    transport.handle('studies:create', ({ spec, start }) => ({
      ok: true,
      value: { id: 7, name: spec.name, start } as unknown as StudySummary,
    }));
    const created = await study.launch();
    expect(created?.id).toBe(7);
    expect(transport.callsTo('studies:create')).toEqual([{ spec: sent[1]!.spec, start: true }]);
  });

  it('keeps launch disabled while a run is invalid, and drops a preview that a newer edit overtook', async () => {
    const transport = new FakeTransport();
    let answer: (() => void) | undefined;
    transport.reply('studies:presets', []);
    transport.handle('studies:preview', ({ spec }) => {
      const invalid = spec.axes?.[0]?.values.includes(4096);
      if (spec.axes?.[0]?.values.includes(1)) {
        // The first preview answers late, after the next one.
        return new Promise((resolve) => (answer = () => resolve({ ok: true, value: previewOf(spec) })));
      }
      return { ok: true, value: previewOf(spec, !invalid) };
    });
    const study = inScope(() =>
      useStudyForm({ base: BASE, debounceMs: 10, api: createApiClient(transport) }),
    );
    study.enabled.value = true;
    study.name.value = 'g';
    study.addAxis('model.projectorOutputDim');
    study.updateAxis(1, { text: '1' });
    await wait(30);
    study.updateAxis(1, { text: '4096' });
    await wait(30);
    answer!();
    await settle();
    expect(study.preview.value?.valid).toBe(false);
    expect(study.preview.value?.runs[0]?.point.values).toEqual({ loss: 4096 });
    expect(study.canLaunch.value).toBe(false);
    expect(await study.launch()).toBeNull();
    expect(transport.callsTo('studies:create')).toEqual([]);
    study.seeds.value = 0;
    expect(study.seedsError.value).toBe('Between 1 and 20');
    expect(study.spec.value).toBeNull();
  });

  it('fills the study from a preset', async () => {
    const { study } = setup();
    const preset = STUDY_PRESETS['paper-fashion-mnist']!;
    study.applyPreset(preset);
    await settle();
    expect(study.enabled.value).toBe(true);
    expect(study.name.value).toBe('paper-fashion-mnist');
    expect(study.seeds.value).toBe(3);
    expect(study.evaluation.value.linear).toBe(true);
    expect(study.axisErrors.value).toEqual({});
    expect(study.spec.value?.axes).toEqual(preset.spec.axes);
  });
});

describe('useStudy', () => {
  const run = (id: number, status: RunSummary['status']) =>
    ({ id, status, progress: null }) as unknown as RunSummary;
  const summary = (given: Partial<StudySummary['counts']>, completedEvaluations = 0) =>
    ({
      id: 3,
      name: 's',
      counts: counts(given),
      state: 'running',
      evaluations: { planned: 2, queued: 0, running: 0, completed: completedEvaluations, failed: 0 },
      etaMs: null,
    }) as unknown as StudySummary;

  function setup() {
    const transport = new FakeTransport();
    const detail = {
      ...summary({ running: 1, queued: 1 }),
      axes: [],
      base: { name: 'b' },
      runs: [
        { run: run(10, 'running'), point: { values: {}, labels: {}, seed: 0 } },
        { run: run(11, 'queued'), point: { values: {}, labels: {}, seed: 1 } },
      ],
    } as unknown as StudyDetail;
    transport.reply('studies:get', detail);
    transport.reply('studies:report', {
      studyId: 3,
      name: 's',
      rows: [],
      verdict: [],
      notes: [],
    } as StudyReport);
    const study = inScope(() => useStudy(3, { api: createApiClient(transport), reloadDelayMs: 10 }));
    return { transport, study };
  }

  it('follows its runs and reloads the report when a run or an evaluation ends, not on progress', async () => {
    const { transport, study } = setup();
    await settle();
    expect(study.detail.value?.runs).toHaveLength(2);
    expect(transport.callsTo('studies:report')).toHaveLength(1);
    transport.emit('run:progress', {
      runId: 10,
      progress: { step: 5, totalSteps: 12, epoch: 1, totalEpochs: 1 },
    });
    transport.emit('run:status', { ...run(11, 'running') });
    // Another study's news is not this one's.
    transport.emit('study:status', { ...summary({ completed: 2 }), id: 4 });
    expect(study.detail.value?.runs.map((item) => [item.run.status, item.run.progress?.step])).toEqual([
      ['running', 5],
      ['running', undefined],
    ]);
    transport.emit('study:status', { ...summary({ running: 2 }), etaMs: 1000 });
    await wait(30);
    expect(study.detail.value?.etaMs).toBe(1000);
    expect(transport.callsTo('studies:report')).toHaveLength(1);
    transport.emit('study:status', summary({ running: 1, completed: 1 }));
    transport.emit('study:status', summary({ running: 1, completed: 1 }, 1));
    await wait(30);
    // A burst reloads once.
    expect(transport.callsTo('studies:report')).toHaveLength(2);
  });

  it('acts on the whole study and notices its deletion', async () => {
    const { transport, study } = setup();
    await settle();
    transport.handle('studies:retry', () => ({
      ok: false,
      error: { code: 'conflict', message: 'no failed run' },
    }));
    expect(await study.retry()).toBe(false);
    expect(study.actionError.value?.message).toBe('no failed run');
    transport.reply('studies:stop', summary({ stopped: 2 }));
    expect(await study.stop()).toBe(true);
    expect(study.detail.value?.counts.stopped).toBe(2);
    expect(transport.callsTo('studies:stop')).toEqual([{ studyId: 3 }]);
    transport.emit('study:deleted', { studyId: 3 });
    expect(study.deleted.value).toBe(true);
  });
});
