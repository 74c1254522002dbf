import { nextTick, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { MetricRange } from '@shared/compare';
import { createApiClient } from '../../src-renderer/api/client';
import {
  useCompareLive,
  useCompareMetricNames,
  useCompareSeries,
} from '../../src-renderer/composables/useCompareData';
import { useEffectScopes } from './effect-scopes';
import { FakeTransport, settle } from './fake-transport';
import { summary } from './fixtures';

const { inScope } = useEffectScopes();

const EMPTY: MetricRange = { series: [], clocks: [] };

describe('the Compare page composables', () => {
  it('fetches the whole runs, then the visible steps once the zoom has settled', async () => {
    const transport = new FakeTransport().reply('metrics:range', EMPTY);
    const api = createApiClient(transport);
    const runIds = ref([1, 2]);
    const series = inScope(() => useCompareSeries(runIds, ['loss'], { api, zoomDebounceMs: 30 }));
    await settle();
    expect(transport.callsTo('metrics:range')).toEqual([{ runIds: [1, 2], names: ['loss'], points: 1200 }]);

    // A wheel zoom fires many events; only the last window is asked for.
    series.zoomTo([0, 500]);
    series.zoomTo([100, 400]);
    series.zoomTo([120, 380]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await settle();
    expect(transport.callsTo('metrics:range')).toHaveLength(2);
    expect(transport.callsTo('metrics:range')[1]).toEqual({
      runIds: [1, 2],
      names: ['loss'],
      points: 1200,
      fromStep: 120,
      toStep: 380,
    });

    // Back to the whole range; no runs asks nothing.
    series.zoomTo(null);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await settle();
    expect(transport.callsTo('metrics:range')[2]).not.toHaveProperty('fromStep');
    runIds.value = [];
    await nextTick();
    await settle();
    expect(transport.callsTo('metrics:range')).toHaveLength(3);
  });

  it('counts how many runs logged each metric', async () => {
    const transport = new FakeTransport().handle('metrics:names', ({ runId }) => ({
      ok: true,
      value: runId === 1 ? ['loss', 'knn/top1'] : ['loss'],
    }));
    const names = inScope(() => useCompareMetricNames([1, 2], { api: createApiClient(transport) }));
    await settle();
    expect([...names.counts.value]).toEqual([
      ['loss', 2],
      ['knn/top1', 1],
    ]);
  });

  it('follows runs still training, at most once per interval and only for compared runs', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const refresh = vi.fn();
    inScope(() => useCompareLive([1, 2], refresh, { intervalMs: 1000, api: createApiClient(transport) }));
    for (let index = 0; index < 10; index += 1)
      transport.emit('run:metrics', { runId: 1, series: [{ name: 'loss', steps: [index], values: [1] }] });
    transport.emit('run:status', summary({ id: 2, status: 'completed' }));
    transport.emit('run:metrics', { runId: 7, series: [] });
    await vi.advanceTimersByTimeAsync(10);
    expect(refresh).toHaveBeenCalledTimes(1);
    transport.emit('run:metrics', { runId: 2, series: [] });
    await vi.advanceTimersByTimeAsync(500);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(refresh).toHaveBeenCalledTimes(2);
    transport.emit('run:metrics', { runId: 7, series: [] });
    await vi.advanceTimersByTimeAsync(2000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});
