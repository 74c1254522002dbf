import { nextTick, ref } from 'vue';
import { describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '@shared/runs';
import { createApiClient } from '../../src-renderer/api/client';
import { useRunEvaluations } from '../../src-renderer/composables/useRunEvaluations';
import {
  bestCheckpoint,
  bestKnnCell,
  evaluationBlocker,
  evaluationFraction,
  mergeEvaluation,
  mergeEvaluationLists,
  upsertEvaluation,
} from '../../src-renderer/domain/evaluations';
import { useEffectScopes } from './effect-scopes';
import { FakeTransport, settle } from './fake-transport';
import { checkpoint, evaluation } from './fixtures';

const { inScope, scopes } = useEffectScopes();

const progress = (done: number, total = 100, stage = 'linear classifier epochs') => ({ done, total, stage });

describe('merging evaluation updates', () => {
  it('never lets an older life-cycle stage replace a newer one', () => {
    const done = evaluation({ id: 1, runId: 1, status: 'completed', results: { top1: 0.7 } });
    const running = evaluation({ id: 1, runId: 1, status: 'running', progress: progress(99) });
    expect(mergeEvaluation(done, running)).toBe(done);
    expect(mergeEvaluation(running, done)).toBe(done);
    expect(mergeEvaluation(undefined, running)).toBe(running);
  });

  it('keeps the last known progress when a list answer has none', () => {
    const pushed = evaluation({ id: 1, runId: 1, status: 'running', progress: progress(30) });
    const listed = evaluation({ id: 1, runId: 1, status: 'running' });
    expect(mergeEvaluation(pushed, listed).progress).toEqual(progress(30));
    const later = evaluation({ id: 1, runId: 1, status: 'running', progress: progress(40) });
    expect(mergeEvaluation(pushed, later).progress).toEqual(progress(40));
  });

  it('keeps lists newest first and returns the same list for a stale update', () => {
    const list = upsertEvaluation(
      upsertEvaluation([], evaluation({ id: 1, runId: 1 })),
      evaluation({ id: 2, runId: 1 }),
    );
    expect(list.map((item) => item.id)).toEqual([2, 1]);
    const done = upsertEvaluation(list, evaluation({ id: 1, runId: 1, status: 'failed', error: 'boom' }));
    expect(done.map((item) => [item.id, item.status])).toEqual([
      [2, 'queued'],
      [1, 'failed'],
    ]);
    expect(upsertEvaluation(done, evaluation({ id: 1, runId: 1, status: 'running' }))).toBe(done);
    const merged = mergeEvaluationLists(done, [
      evaluation({ id: 1, runId: 1, status: 'running' }),
      evaluation({ id: 3, runId: 1 }),
    ]);
    expect(merged.map((item) => [item.id, item.status])).toEqual([
      [3, 'queued'],
      [2, 'queued'],
      [1, 'failed'],
    ]);
  });

  it('turns progress into a fraction and finds the best kNN cell', () => {
    expect(
      evaluationFraction(evaluation({ id: 1, runId: 1, status: 'running', progress: progress(25) })),
    ).toBe(0.25);
    expect(evaluationFraction(evaluation({ id: 1, runId: 1, status: 'running' }))).toBeNull();
    expect(evaluationFraction(evaluation({ id: 1, runId: 1, status: 'completed' }))).toBe(1);
    const grid = [
      { k: 20, temperature: 0.1, top1: 0.7 },
      { k: 5, temperature: 0.2, top1: 0.7 },
      { k: 5, temperature: 0.07, top1: 0.7 },
      { k: 200, temperature: 0.5, top1: 0.6 },
    ];
    expect(bestKnnCell(grid)).toEqual({ k: 5, temperature: 0.07, top1: 0.7 });
    expect(bestKnnCell([])).toBeNull();
  });

  it('explains why no evaluation can start', () => {
    const checkpoints = [checkpoint({ step: 40 })];
    expect(evaluationBlocker('running', checkpoints, [])).toMatch(/running.*once it stops training/);
    expect(evaluationBlocker('stopped', [], [])).toMatch(/no checkpoint/);
    expect(
      evaluationBlocker('completed', checkpoints, [
        evaluation({ id: 4, runId: 1, kind: 'knn', status: 'running' }),
      ]),
    ).toBe('kNN sweep #4 is running; one evaluation runs at a time per run.');
    expect(
      evaluationBlocker('completed', checkpoints, [evaluation({ id: 4, runId: 1, status: 'completed' })]),
    ).toBeNull();
  });
});

describe('useRunEvaluations', () => {
  it('lists a run’s evaluations and follows them through progress to completion', async () => {
    const transport = new FakeTransport().reply('evaluations:list', [
      evaluation({ id: 1, runId: 7, status: 'completed', results: { top1: 0.6 } }),
    ]);
    const state = inScope(() => useRunEvaluations(7, { api: createApiClient(transport) }));
    await settle();
    expect(state.evaluations.value.map((item) => item.id)).toEqual([1]);

    const running = evaluation({ id: 2, runId: 7, kind: 'knn', status: 'running' });
    transport.emit('run:evaluation', { ...running, progress: progress(3, 35, 'kNN grid cells') });
    transport.emit('run:evaluation', evaluation({ id: 9, runId: 8, status: 'running' }));
    expect(state.evaluations.value.map((item) => [item.id, item.status])).toEqual([
      [2, 'running'],
      [1, 'completed'],
    ]);
    expect(state.evaluations.value[0]?.progress).toEqual(progress(3, 35, 'kNN grid cells'));

    const before = state.evaluations.value;
    transport.emit('run:evaluation', { ...running, progress: progress(20, 35, 'kNN grid cells') });
    expect(state.evaluations.value).not.toBe(before);
    expect(state.evaluations.value[0]?.progress?.done).toBe(20);

    const grid = [{ k: 1, temperature: 0.1, top1: 0.55 }];
    transport.emit('run:evaluation', {
      ...running,
      status: 'completed',
      endedAt: 5,
      results: { top1: 0.55 },
      grid,
    });
    expect(state.evaluations.value[0]).toMatchObject({ status: 'completed', grid });
    expect(state.evaluations.value[0]?.progress).toBeUndefined();
  });

  it('keeps events that arrive while the list is on its way', async () => {
    let answer: (value: EvaluationSummary[]) => void = () => undefined;
    const transport = new FakeTransport().handle(
      'evaluations:list',
      () => new Promise((resolve) => (answer = (value) => resolve({ ok: true, value }))),
    );
    const state = inScope(() => useRunEvaluations(3, { api: createApiClient(transport) }));
    await settle();
    transport.emit(
      'run:evaluation',
      evaluation({ id: 5, runId: 3, status: 'completed', results: { top1: 0.8 } }),
    );
    answer([
      evaluation({ id: 5, runId: 3, status: 'running' }),
      evaluation({ id: 4, runId: 3, status: 'failed', error: 'out of memory' }),
    ]);
    await settle();
    expect(state.evaluations.value.map((item) => [item.id, item.status, item.error])).toEqual([
      [5, 'completed', null],
      [4, 'failed', 'out of memory'],
    ]);
  });

  it('starts an evaluation, and keeps a refusal as data', async () => {
    let busy = false;
    const transport = new FakeTransport()
      .reply('evaluations:list', [])
      .handle('evaluations:start', (input) =>
        busy
          ? { ok: false, error: { code: 'conflict', message: 'Run 3 is busy (running)' } }
          : { ok: true, value: evaluation({ id: 6, runId: input.runId, kind: input.kind }) },
      );
    const state = inScope(() => useRunEvaluations(3, { api: createApiClient(transport) }));
    await settle();

    const started = await state.start('linear', { checkpointStep: 40, settings: { epochs: 20 } });
    expect(started?.id).toBe(6);
    expect(transport.callsTo('evaluations:start')).toEqual([
      { runId: 3, kind: 'linear', checkpointStep: 40, settings: { epochs: 20 } },
    ]);
    expect(state.evaluations.value.map((item) => item.id)).toEqual([6]);

    busy = true;
    expect(await state.start('knn')).toBeNull();
    expect(state.startError.value).toEqual({ code: 'conflict', message: 'Run 3 is busy (running)' });
    expect(state.isStarting.value).toBe(false);
  });

  it('starts over for another run and stops listening when its owner goes', async () => {
    const transport = new FakeTransport().handle('evaluations:list', ({ runId }) => ({
      ok: true,
      value: [evaluation({ id: runId * 10, runId })],
    }));
    const runId = ref(1);
    const state = inScope(() => useRunEvaluations(runId, { api: createApiClient(transport) }));
    await settle();
    expect(state.evaluations.value.map((item) => item.id)).toEqual([10]);
    runId.value = 2;
    await nextTick();
    await settle();
    expect(state.evaluations.value.map((item) => item.id)).toEqual([20]);
    expect(transport.listenerCount('run:evaluation')).toBe(1);
    for (const scope of scopes.splice(0)) scope.stop();
    expect(transport.listenerCount('run:evaluation')).toBe(0);
  });
});

describe('the best checkpoint', () => {
  it('is the one with the highest kNN top-1, the earliest of equals; none without measurements', () => {
    const list = [
      checkpoint({ step: 10, knnTop1: 0.5 }),
      checkpoint({ step: 20, knnTop1: 0.7 }),
      checkpoint({ step: 30, knnTop1: 0.7 }),
      checkpoint({ step: 40, knnTop1: null, reason: 'stop' }),
    ];
    expect(bestCheckpoint(list)?.step).toBe(20);
    expect(bestCheckpoint([checkpoint({ step: 5 })])).toBeNull();
  });
});
