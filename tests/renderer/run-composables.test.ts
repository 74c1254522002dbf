import { nextTick, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { MetricSeries } from '@shared/metrics';
import { createApiClient } from '../../src-renderer/api/client';
import { useApiCall } from '../../src-renderer/composables/useApiCall';
import { useRunDetail } from '../../src-renderer/composables/useRunDetail';
import { useRunLog } from '../../src-renderer/composables/useRunLog';
import { useRunMetrics } from '../../src-renderer/composables/useRunMetrics';
import { useEffectScopes } from './effect-scopes';
import { FakeTransport, settle } from './fake-transport';
import { summary } from './fixtures';

const { inScope, scopes } = useEffectScopes();

function seriesFor(steps: number[]): MetricSeries[] {
  return [{ name: 'loss', steps, values: steps.map((step) => 1 / step) }];
}

describe('useApiCall', () => {
  it('drops an answer that arrives after a newer call started', async () => {
    const answers = new Map<number, (name: string) => void>();
    const transport = new FakeTransport().handle(
      'runs:get',
      ({ runId }) =>
        new Promise((resolve) =>
          answers.set(runId, (name) =>
            resolve({ ok: true, value: { ...summary({ id: runId, name }) } as never }),
          ),
        ),
    );
    const runId = ref(1);
    const call = inScope(() =>
      useApiCall('runs:get', () => ({ runId: runId.value }), { api: createApiClient(transport) }),
    );
    await settle();
    runId.value = 2;
    await nextTick();
    await settle();
    answers.get(2)?.('second');
    await settle();
    answers.get(1)?.('first');
    await settle();
    expect(call.data.value?.name).toBe('second');
    expect(call.isLoading.value).toBe(false);
  });

  it('asks nothing for a null input and keeps errors as data', async () => {
    const transport = new FakeTransport().handle('runs:get', () => ({
      ok: false,
      error: { code: 'not-found', message: 'no run 5' },
    }));
    const input = ref<{ runId: number } | null>(null);
    const call = inScope(() =>
      useApiCall('runs:get', () => input.value, { api: createApiClient(transport) }),
    );
    await settle();
    expect(transport.calls).toHaveLength(0);
    input.value = { runId: 5 };
    await nextTick();
    await settle();
    expect(call.error.value).toEqual({ code: 'not-found', message: 'no run 5' });
  });
});

describe('useRunDetail', () => {
  it('fetches the detail again once the backend is chosen (for its notes) and when the run ends', async () => {
    let backendNotes: string[] = [];
    const transport = new FakeTransport().handle('runs:get', ({ runId }) => ({
      ok: true,
      value: { ...summary({ id: runId, status: 'queued' }), backendNotes } as never,
    }));
    const { run } = inScope(() => useRunDetail(4, createApiClient(transport)));
    await settle();
    expect(transport.callsTo('runs:get')).toHaveLength(1);

    backendNotes = ['tensorflow: tfjs-node-gpu is not installed'];
    transport.emit('run:status', summary({ id: 4, status: 'running' }));
    await settle();
    expect(transport.callsTo('runs:get')).toHaveLength(1);
    transport.emit('run:status', summary({ id: 4, status: 'running', backend: 'wasm', device: 'CPU' }));
    await settle();
    expect(transport.callsTo('runs:get')).toHaveLength(2);
    expect(run.value?.backendNotes).toEqual(['tensorflow: tfjs-node-gpu is not installed']);
    transport.emit('run:status', summary({ id: 4, status: 'completed', backend: 'wasm', device: 'CPU' }));
    await settle();
    expect(transport.callsTo('runs:get')).toHaveLength(3);
  });
});

describe('useRunMetrics', () => {
  it('fetches every series, then appends pushed points in batches without refetching', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport()
      .reply('metrics:names', ['loss'])
      .handle('metrics:series', () => ({ ok: true, value: seriesFor([1, 2]) }));
    const { series } = inScope(() =>
      useRunMetrics(() => 7, { api: createApiClient(transport), flushIntervalMs: 100 }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(series.value[0]?.steps).toEqual([1, 2]);
    const before = series.value;

    transport.emit('run:metrics', { runId: 7, series: seriesFor([3]) });
    transport.emit('run:metrics', { runId: 7, series: seriesFor([4]) });
    transport.emit('run:metrics', { runId: 8, series: seriesFor([99]) });
    expect(series.value).toBe(before);
    await vi.advanceTimersByTimeAsync(100);
    expect(series.value[0]?.steps).toEqual([1, 2, 3, 4]);
    expect(before[0]?.steps).toEqual([1, 2]);
    expect(transport.callsTo('metrics:series')).toHaveLength(1);
  });

  it('keeps points pushed during the first fetch and fetches only newer points after a reconnect', async () => {
    vi.useFakeTimers();
    let release: () => void = () => undefined;
    const transport = new FakeTransport()
      .reply('metrics:names', ['loss'])
      .handle('metrics:series', ({ afterStep }) =>
        afterStep === -1
          ? new Promise((resolve) => (release = () => resolve({ ok: true, value: seriesFor([1, 2, 3]) })))
          : { ok: true, value: seriesFor([5, 6]) },
      );
    const { series } = inScope(() =>
      useRunMetrics(() => 7, { api: createApiClient(transport), flushIntervalMs: 10 }),
    );
    await vi.advanceTimersByTimeAsync(0);
    transport.emit('run:metrics', { runId: 7, series: seriesFor([3, 4]) });
    await vi.advanceTimersByTimeAsync(10);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(series.value[0]?.steps).toEqual([1, 2, 3, 4]);

    transport.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.callsTo('metrics:series').at(-1)).toEqual({ runId: 7, names: ['loss'], afterStep: 4 });
    expect(series.value[0]?.steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops listening when its scope ends', async () => {
    const transport = new FakeTransport().reply('metrics:names', []);
    inScope(() => useRunMetrics(() => 1, { api: createApiClient(transport) }));
    expect(transport.listenerCount('run:metrics')).toBe(1);
    scopes.pop()?.stop();
    expect(transport.listenerCount('run:metrics')).toBe(0);
  });
});

describe('useRunLog', () => {
  const line = (id: number) => ({ id, runId: 3, timeMs: id, level: 'info' as const, message: `line ${id}` });

  it('pages through stored lines from its own cursor and follows pushed lines', async () => {
    const stored = Array.from({ length: 2500 }, (_, index) => line(index + 1));
    const transport = new FakeTransport().handle('runs:logs', ({ afterId = 0, limit = 1000 }) => ({
      ok: true,
      value: stored.filter((item) => item.id > afterId).slice(0, limit),
    }));
    const log = inScope(() => useRunLog(() => 3, { api: createApiClient(transport), maxLines: 2000 }));
    transport.emit('run:log', { runId: 3, lines: [line(2501)] });
    await settle();
    expect(transport.callsTo('runs:logs').map((input) => (input as { afterId: number }).afterId)).toEqual([
      0, 1000, 2000,
    ]);
    expect(log.lines.value).toHaveLength(2000);
    expect(log.lines.value.at(-1)?.id).toBe(2501);
    expect(log.lines.value[0]?.id).toBe(502);
  });
});
