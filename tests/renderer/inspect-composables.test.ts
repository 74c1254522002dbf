import { nextTick, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { CallInput } from '@shared/api/contract';
import type { Result } from '@shared/errors';
import type { MatrixCells } from '@shared/inspect';
import { createApiClient } from '../../src-renderer/api/client';
import { DEFAULT_INSPECT_STATE, type InspectState } from '../../src-renderer/domain/inspect-state';
import { useInspectCapture } from '../../src-renderer/composables/useInspectCapture';
import { useInspectMatrix } from '../../src-renderer/composables/useInspectMatrix';
import { useInspectMetrics } from '../../src-renderer/composables/useInspectMetrics';
import { useInspectPlayback } from '../../src-renderer/composables/useInspectPlayback';
import { atStep, stepChoice, useInspectSelection } from '../../src-renderer/composables/useInspectSelection';
import { useInspectSnapshots } from '../../src-renderer/composables/useInspectSnapshots';
import { useEffectScopes } from './effect-scopes';
import { FakeTransport, settle } from './fake-transport';
import { captureJob, matrixAnswer, snapshotAt } from './inspect-fixtures';

const { inScope } = useEffectScopes();

describe('useInspectSnapshots', () => {
  it('lists by step and adds snapshots pushed while the run trains (only its own)', async () => {
    const transport = new FakeTransport().reply('inspect:snapshots', [snapshotAt(1, 20), snapshotAt(1, 0)]);
    const { snapshots } = inScope(() => useInspectSnapshots(1, { api: createApiClient(transport) }));
    await settle();
    expect(snapshots.value.map((item) => item.step)).toEqual([0, 20]);
    transport.emit('run:snapshot', snapshotAt(1, 40));
    transport.emit('run:snapshot', snapshotAt(2, 60));
    // A snapshot of a step already listed (a restarted run) replaces it; one from that step's
    // checkpoint goes beside it.
    transport.emit('run:snapshot', snapshotAt(1, 20, { id: 99, bytes: 1 }));
    transport.emit('run:snapshot', snapshotAt(1, 40, { id: 7, source: 'checkpoint' }));
    expect(snapshots.value.map((item) => [item.step, item.id])).toEqual([
      [0, 1000],
      [20, 99],
      [40, 7],
      [40, 1040],
    ]);
  });
});

describe('choosing among two snapshots of one step', () => {
  const list = [snapshotAt(1, 0), snapshotAt(1, 40, { id: 7, source: 'checkpoint' }), snapshotAt(1, 40)];

  it('names the snapshot by id in the URL only when its step has two', () => {
    expect(stepChoice(list, 0)).toEqual({ step: 0, snapshotId: null });
    expect(stepChoice(list, 1)).toEqual({ step: 40, snapshotId: 7 });
    expect(stepChoice(list, 2)).toEqual({ step: 40, snapshotId: 1040 });
    expect(stepChoice(list, 3)).toBeNull();
  });

  it('finds the one named, else the first of the step', () => {
    expect(atStep(list, 40, 1040)?.id).toBe(1040);
    expect(atStep(list, 40, null)?.id).toBe(7);
    expect(atStep(list, 39, 1040)?.id).toBe(1040);
    expect(atStep(list, 1, 1040)?.id).toBe(1000);
  });
});

describe('useInspectMatrix', () => {
  it('keeps showing the previous image while the next loads, and sends one request per settled change', async () => {
    let release: (() => void) | undefined;
    const transport = new FakeTransport().handle('inspect:matrix', (input) => {
      const answer: Result<MatrixCells> = {
        ok: true,
        value: {
          ...matrixAnswer(input.snapshotId, 4, (r, c) => r - c),
          region: input.region ?? { rows: [0, 4], cols: [0, 4] },
        },
      };
      if (input.region?.rows[0] !== 2) return answer;
      return new Promise((resolve) => (release = () => resolve(answer)));
    });
    const request = ref<CallInput<'inspect:matrix'>>({ snapshotId: 7, view: 'cross' });
    const matrix = inScope(() =>
      useInspectMatrix(request, { api: createApiClient(transport), debounceMs: 20 }),
    );
    await settle();
    expect(matrix.image.value?.values[4]).toBe(1);
    const first = matrix.image.value;

    request.value = { snapshotId: 7, view: 'cross', region: { rows: [1, 3], cols: [1, 3] } };
    await nextTick();
    request.value = { snapshotId: 7, view: 'cross', region: { rows: [2, 4], cols: [2, 4] } };
    await nextTick();
    expect(matrix.isLoading.value).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // Only the last region was asked for, and the old image is still there meanwhile.
    expect(transport.callsTo('inspect:matrix')).toHaveLength(2);
    expect(matrix.image.value).toBe(first);
    release!();
    await settle();
    expect(matrix.isLoading.value).toBe(false);
    expect(matrix.image.value?.region).toEqual({ rows: [2, 4], cols: [2, 4] });
  });

  it('drops an answer that a newer request overtook, and reports progress of its snapshot only', async () => {
    const pending: ((value: Result<MatrixCells>) => void)[] = [];
    const transport = new FakeTransport().handle(
      'inspect:matrix',
      () => new Promise((resolve) => pending.push(resolve)),
    );
    const request = ref<CallInput<'inspect:matrix'>>({ snapshotId: 1 });
    const matrix = inScope(() =>
      useInspectMatrix(request, { api: createApiClient(transport), debounceMs: 0 }),
    );
    await settle();
    transport.emit('inspect:progress', { snapshotId: 2, key: 'x', done: 1, total: 4 });
    expect(matrix.progress.value).toBeNull();
    transport.emit('inspect:progress', { snapshotId: 1, key: 'x', done: 1, total: 4 });
    expect(matrix.progress.value).toEqual({ done: 1, total: 4 });
    request.value = { snapshotId: 2 };
    await settle();
    pending[1]!({ ok: true, value: matrixAnswer(2, 2, () => 2) });
    await settle();
    pending[0]!({ ok: true, value: matrixAnswer(1, 2, () => 1) });
    await settle();
    expect(Array.from(matrix.image.value!.values)).toEqual([2, 2, 2, 2]);
    expect(matrix.progress.value).toBeNull();
  });

  it('surfaces an error as state', async () => {
    const transport = new FakeTransport().handle('inspect:matrix', () => ({
      ok: false,
      error: { code: 'invalid-input', message: 'region outside d' },
    }));
    const matrix = inScope(() => useInspectMatrix({ snapshotId: 1 }, { api: createApiClient(transport) }));
    await settle();
    expect(matrix.error.value?.message).toBe('region outside d');
    expect(matrix.image.value).toBeNull();
  });
});

describe('useInspectPlayback', () => {
  it('steps through the snapshots and stops on the last; left/right pause and clamp', () => {
    vi.useFakeTimers();
    const index = ref(0);
    const playback = inScope(() =>
      useInspectPlayback(4, index, (next) => (index.value = next), { intervalMs: 100 }),
    );
    playback.play();
    vi.advanceTimersByTime(250);
    expect(index.value).toBe(2);
    expect(playback.playing.value).toBe(true);
    vi.advanceTimersByTime(500);
    expect(index.value).toBe(3);
    expect(playback.playing.value).toBe(false);
    // Play from the end starts over.
    playback.play();
    expect(index.value).toBe(0);
    playback.stepBy(-1);
    expect(index.value).toBe(0);
    expect(playback.playing.value).toBe(false);
    playback.stepBy(1);
    playback.stepBy(1);
    expect(index.value).toBe(2);
  });
});

describe('useInspectSelection', () => {
  const transport = () =>
    new FakeTransport()
      .handle('inspect:snapshots', ({ runId }) => ({
        ok: true,
        value:
          runId === 1
            ? [snapshotAt(1, 0), snapshotAt(1, 50), snapshotAt(1, 100)]
            : [snapshotAt(2, 0), snapshotAt(2, 60)],
      }))
      .handle('runs:get', ({ runId }) => ({
        ok: true,
        value: { id: runId, name: `run ${runId} name` } as never,
      }));

  it('shows the newest snapshot, or the one nearest the URL step', async () => {
    const state = ref<InspectState>({ ...DEFAULT_INSPECT_STATE });
    const selection = inScope(() => useInspectSelection(1, state, { api: createApiClient(transport()) }));
    await settle();
    expect(selection.snapshot.value?.step).toBe(100);
    state.value = { ...state.value, step: 40 };
    expect([selection.snapshot.value?.step, selection.index.value]).toEqual([50, 1]);
    expect(selection.other.value).toBeNull();
  });

  it('puts the initialisation beside it by default, or another run at the nearest step', async () => {
    const state = ref<InspectState>({ ...DEFAULT_INSPECT_STATE, step: 100, side: true });
    const fake = transport();
    const selection = inScope(() => useInspectSelection(1, state, { api: createApiClient(fake) }));
    await settle();
    expect(selection.other.value?.step).toBe(0);
    state.value = { ...state.value, withStep: 50 };
    expect(selection.other.value?.id).toBe(1050);
    state.value = { ...state.value, withRun: 2, withStep: null };
    await settle();
    expect(selection.other.value).toMatchObject({ runId: 2, step: 60 });
    expect(selection.otherRunName.value).toBe('run 2 name');
    expect(fake.callsTo('inspect:snapshots')).toEqual([{ runId: 1 }, { runId: 2 }]);
  });
});

describe('useInspectCapture', () => {
  it('starts a job and follows its events to the end', async () => {
    const transport = new FakeTransport().reply('inspect:jobs', []).handle('inspect:capture', (input) => ({
      ok: true,
      value: captureJob({ checkpointStep: input.checkpointStep ?? 80 }),
    }));
    const capture = inScope(() => useInspectCapture(1, { api: createApiClient(transport) }));
    await settle();
    await capture.start(40);
    expect(transport.callsTo('inspect:capture')).toEqual([{ runId: 1, checkpointStep: 40 }]);
    expect(capture.running.value).toHaveLength(1);
    transport.emit('inspect:job', captureJob({ stage: 'embedding', done: 2 }));
    expect(capture.latest.value).toMatchObject({ stage: 'embedding', done: 2 });
    transport.emit('inspect:job', captureJob({ runId: 5, id: 9 }));
    transport.emit('inspect:job', captureJob({ status: 'completed', done: 3, snapshotId: 12 }));
    expect(capture.running.value).toHaveLength(0);
    expect(capture.jobs.value).toHaveLength(1);
    expect(capture.latest.value?.snapshotId).toBe(12);
  });
});

describe('useInspectMetrics', () => {
  it('fetches the inspect/* series and adds the points pushed for the run', async () => {
    const transport = new FakeTransport().handle('metrics:series', ({ names }) => ({
      ok: true,
      value: names.includes('inspect/rankMeZ') ? [{ name: 'inspect/rankMeZ', steps: [0], values: [10] }] : [],
    }));
    const metrics = inScope(() => useInspectMetrics(3, { api: createApiClient(transport) }));
    await settle();
    expect(metrics.byName('inspect/rankMeZ').values).toEqual([10]);
    transport.emit('run:metrics', {
      runId: 3,
      series: [
        { name: 'inspect/rankMeZ', steps: [8], values: [12] },
        { name: 'loss', steps: [8], values: [1] },
      ],
    });
    transport.emit('run:metrics', {
      runId: 4,
      series: [{ name: 'inspect/rankMeZ', steps: [9], values: [1] }],
    });
    expect(metrics.byName('inspect/rankMeZ')).toEqual({
      name: 'inspect/rankMeZ',
      steps: [0, 8],
      values: [10, 12],
    });
    expect(metrics.series.value.map((item) => item.name)).toEqual(['inspect/rankMeZ']);
    expect(metrics.byName('inspect/collapsedFeatures').steps).toEqual([]);
  });
});
