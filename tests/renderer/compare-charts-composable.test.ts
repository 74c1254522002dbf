import { computed, effectScope, shallowRef } from 'vue';
import { describe, expect, it } from 'vitest';
import type { CompareState, MetricRange } from '@shared/compare';
import { keepIfSame, useCompareCharts } from '../../src-renderer/composables/useCompareCharts';
import type { useCompareSeries } from '../../src-renderer/composables/useCompareData';
import { parseCompareQuery } from '../../src-renderer/domain/compare-state';

/**
 * Every URL change parses a new state object; a smoothing change must not rebuild the charts'
 * lines (a new line means a whole new chart option, where a smoothing change only merges the
 * smoothed columns).
 */
describe('the Compare charts across URL changes', () => {
  const range: MetricRange = {
    series: [1, 2].map((runId) => ({
      runId,
      name: 'loss',
      steps: [0, 1, 2],
      values: [3, 2, runId],
      totalPoints: 3,
      reduced: false,
    })),
    clocks: [],
  };

  it('keeps the same chart data when only the smoothing changes, and rebuilds it for other runs', () => {
    const url = shallowRef<CompareState>({ ...parseCompareQuery({ runs: '1,2' }), metrics: ['loss'] });
    const scope = effectScope();
    const { charts, settings } = scope.run(() =>
      useCompareCharts({
        state: computed(() => ({ ...url.value })),
        series: {
          data: shallowRef(range),
          stepWindow: shallowRef(null),
          zoomTo: () => {},
        } as unknown as ReturnType<typeof useCompareSeries>,
        metrics: computed(() => ['loss']),
        runNames: new Map(),
        groups: shallowRef(null),
      }),
    )!;
    const first = charts.value;
    expect(first[0]!.lines.map((line) => line.id)).toEqual(['run:1', 'run:2']);
    url.value = { ...url.value, runIds: [...url.value.runIds], smoothing: 0.9 };
    expect(settings.value.smoothing).toBe(0.9);
    expect(charts.value).toBe(first);
    url.value = { ...url.value, runIds: [2] };
    expect(charts.value).not.toBe(first);
    expect(charts.value[0]!.lines.map((line) => line.id)).toEqual(['run:2']);
    scope.stop();
  });

  it('keeps the previous array while the items are the same', () => {
    const previous = [1, 2];
    expect(keepIfSame(previous, [1, 2])).toBe(previous);
    expect(keepIfSame(previous, [1, 3])).toEqual([1, 3]);
    expect(keepIfSame(previous, [1])).toEqual([1]);
    expect(keepIfSame(undefined, [1])).toEqual([1]);
  });
});
