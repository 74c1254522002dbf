import { ref } from 'vue';
import { describe, expect, it } from 'vitest';
import type { CostStudyDetail } from '@shared/cost/types';
import { createApiClient } from '../../../src-renderer/api/client';
import { useCostStudies } from '../../../src-renderer/composables/useCostStudies';
import { useCostOverlays, useCostStudy } from '../../../src-renderer/composables/useCostStudy';
import { costDetail, costPoint, costSettings } from '../cost-fixtures';
import { useEffectScopes } from '../effect-scopes';
import { FakeTransport, settle } from '../fake-transport';

const { inScope } = useEffectScopes();
const running = (overrides: Partial<CostStudyDetail> = {}) =>
  costDetail({
    status: 'running',
    endedAt: null,
    progress: { done: 0, total: 6, current: null },
    ...overrides,
  });
const { points: _points, fits: _fits, crossovers: _crossovers, ...summary } = running();

describe('useCostStudy', () => {
  it('appends pushed points (also those before the first answer), and fetches the fits when the study ends', async () => {
    let answer = running();
    const transport = new FakeTransport().handle('cost:get', () => ({ ok: true, value: answer }));
    const api = createApiClient(transport);
    const { detail, isActive } = inScope(() => useCostStudy(1, { api }));
    // Before the answer: kept, then merged.
    transport.emit('cost:point', { costStudyId: 1, point: costPoint({ loss: 'bt', d: 64 }) });
    await settle();
    expect(detail.value?.points.map((point) => point.d)).toEqual([64]);
    transport.emit('cost:point', { costStudyId: 1, point: costPoint({ loss: 'bt', d: 128 }) });
    transport.emit('cost:point', { costStudyId: 2, point: costPoint({ loss: 'bt', d: 256 }) });
    transport.emit('cost:point', { costStudyId: 1, point: costPoint({ loss: 'bt', d: 128 }) });
    expect(detail.value?.points.map((point) => point.d)).toEqual([64, 128]);
    // Fitted here while it runs: the fixture's time is d / 10, slope 1.
    expect(detail.value?.fits.find((fit) => fit.measure === 'time')?.slope).toBeCloseTo(1, 10);
    transport.emit('cost:status', { ...summary, progress: { done: 2, total: 6, current: 'bt d=256' } });
    expect(detail.value?.progress.current).toBe('bt d=256');
    expect(isActive.value).toBe(true);
    expect(transport.callsTo('cost:get')).toHaveLength(1);

    answer = costDetail({
      points: [costPoint({ loss: 'bt', d: 64 }), costPoint({ loss: 'bt', d: 128 })],
      fits: [{ series: 'bt', kind: 'loss', measure: 'time', slope: 2, r2: 1, points: 2 }],
    });
    transport.emit('cost:status', { ...summary, status: 'completed', endedAt: 2 });
    await settle();
    expect(transport.callsTo('cost:get')).toHaveLength(2);
    // The stored fits, once it ended.
    expect(detail.value?.fits).toEqual(answer.fits);
    expect(detail.value?.points).toHaveLength(2);
    expect(isActive.value).toBe(false);
  });

  it('loads overlaid studies by id and drops those taken off', async () => {
    const transport = new FakeTransport().handle('cost:get', ({ costStudyId }) => ({
      ok: true,
      value: costDetail({ id: costStudyId, settings: costSettings({ name: `s${costStudyId}` }) }),
    }));
    const ids = ref([2, 3]);
    const { overlays } = inScope(() => useCostOverlays(ids, { api: createApiClient(transport) }));
    await settle();
    expect(overlays.value.map((item) => item.name)).toEqual(['tiny', 'tiny']);
    expect(overlays.value.map((item) => item.id)).toEqual([2, 3]);
    ids.value = [3];
    await settle();
    expect(overlays.value.map((item) => item.id)).toEqual([3]);
    expect(transport.callsTo('cost:get')).toHaveLength(2);
  });
});

describe('useCostStudies', () => {
  it('lists newest first, follows status events, and keeps a refused start with its field messages', async () => {
    const transport = new FakeTransport()
      .reply('cost:list', [
        { ...summary, id: 1, createdAt: 1 },
        { ...summary, id: 2, createdAt: 2 },
      ])
      .handle('cost:start', () => ({
        ok: false,
        error: { code: 'invalid-input', message: 'bad', fields: { 'settings.dims.0': 'Too big' } },
      }));
    const list = inScope(() => useCostStudies({ api: createApiClient(transport) }));
    await settle();
    expect(list.studies.value.map((item) => item.id)).toEqual([2, 1]);
    transport.emit('cost:status', { ...summary, id: 3, createdAt: 3 });
    expect(list.studies.value.map((item) => item.id)).toEqual([3, 2, 1]);
    expect(await list.start(costSettings())).toBeNull();
    expect(list.startError.value?.fields).toEqual({ 'settings.dims.0': 'Too big' });
  });
});
