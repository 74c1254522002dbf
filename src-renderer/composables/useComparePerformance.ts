import { watch, type Ref } from 'vue';
import type { CompareChartData } from '../domain/compare-series';

/**
 * Performance marks of the Compare page, read by the browser benchmark (and by anyone with the
 * devtools open): `compare:first-paint` from navigation start until every chart with lines has
 * drawn its first data; `compare:smoothing` from a smoothing change until every chart redrew.
 */
export function useComparePerformance(charts: Ref<CompareChartData[]>) {
  let measuring: 'compare:first-paint' | 'compare:smoothing' | null = null;
  let pending = new Set<string>();
  let painted = false;

  const drawn = () =>
    new Set(charts.value.filter((chart) => chart.lines.length > 0).map((chart) => chart.metric));

  watch(charts, () => {
    if (painted || measuring) return;
    const next = drawn();
    if (next.size === 0) return;
    measuring = 'compare:first-paint';
    pending = next;
    // The series have arrived: what remains of the first paint is drawing them.
    performance.mark('compare:data');
  });

  function onSmoothing(): void {
    if (measuring === 'compare:first-paint') return;
    performance.mark('compare:smoothing-start');
    measuring = 'compare:smoothing';
    pending = drawn();
  }

  function onRendered(metric: string): void {
    if (!measuring || !pending.delete(metric) || pending.size > 0) return;
    if (measuring === 'compare:first-paint') {
      performance.measure('compare:first-paint', { start: 0, end: performance.now() });
      painted = true;
    } else {
      performance.measure('compare:smoothing', 'compare:smoothing-start');
    }
    measuring = null;
  }

  return { onSmoothing, onRendered };
}
