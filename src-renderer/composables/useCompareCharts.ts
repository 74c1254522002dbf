import { computed, shallowRef, watch, type ComputedRef, type Ref } from 'vue';
import type { CompareState, MetricRange } from '@shared/compare';
import type { CompareChartSettings } from '../charts/compare-chart-option';
import { xAxisScale } from '../domain/compare-axes';
import type { RunGroup } from '../domain/compare-groups';
import { buildCompareCharts } from '../domain/compare-series';
import type { useCompareSeries } from './useCompareData';

export interface UseCompareChartsInput {
  state: ComputedRef<CompareState>;
  series: ReturnType<typeof useCompareSeries>;
  metrics: Ref<string[]>;
  /** Read when a label shows (see `buildCompareCharts`). */
  runNames: ReadonlyMap<number, string>;
  groups: Ref<RunGroup[] | null>;
}

/**
 * The comparison's charts from the fetched series: one per metric, on the chosen x-axis, per run
 * or per group, with the settings every chart shares (the same x extent on all, so one zoom
 * window fits every chart).
 */
export function useCompareCharts({ state, series, metrics, runNames, groups }: UseCompareChartsInput) {
  // Every URL change parses a new state: the charts read only the parts they draw, each kept
  // while equal, so a smoothing change redraws the lines without rebuilding them.
  const runIds = computed((previous?: number[]) => keepIfSame(previous, state.value.runIds));
  const xAxis = computed(() => state.value.xAxis);
  const band = computed(() => state.value.band);
  const metricsChosen = computed(() => state.value.metrics.length > 0);
  const scale = computed(() => xAxisScale(xAxis.value, series.data.value?.clocks ?? []));
  /** The last answer for the whole runs (no zoom). */
  const wholeRange = shallowRef<MetricRange>();
  watch(
    () => series.data.value,
    (range) => {
      if (range && series.stepWindow.value === null) wholeRange.value = range;
    },
  );
  const charts = computed(() => {
    const zoomed = series.data.value;
    if (!zoomed) return [];
    // A series the server sent whole (not reduced: kNN evaluations, short runs) is already exact;
    // it is kept whole while zoomed, so its line still crosses the window instead of vanishing.
    const whole = series.stepWindow.value === null ? undefined : wholeRange.value;
    const exact = whole?.series.filter((item) => !item.reduced) ?? [];
    const exactKeys = new Set(exact.map((item) => `${item.runId}\n${item.name}`));
    const range: MetricRange = whole
      ? {
          clocks: zoomed.clocks,
          series: [
            ...exact,
            ...zoomed.series.filter((item) => !exactKeys.has(`${item.runId}\n${item.name}`)),
          ],
        }
      : zoomed;
    const built = buildCompareCharts({
      range,
      metrics: metrics.value,
      runIds: runIds.value,
      runNames,
      scale: scale.value,
      groups: groups.value,
      band: band.value,
    });
    // A default metric none of the runs logged is left out; one the reader chose stays, empty.
    return metricsChosen.value ? built : built.filter((chart) => chart.lines.length > 0);
  });

  /** The x extent of the whole runs, the same on every chart so one zoom window fits all. */
  const extent = shallowRef<[number, number] | undefined>();
  watch(charts, (next) => {
    if (series.stepWindow.value !== null) return;
    let min = Infinity;
    let max = -Infinity;
    for (const chart of next)
      for (const line of chart.lines)
        for (const x of line.x)
          if (Number.isFinite(x)) {
            if (x < min) min = x;
            if (x > max) max = x;
          }
    extent.value = min <= max ? [min, max] : undefined;
  });
  // Another axis or other runs: start from the whole range again.
  watch([xAxis, runIds], () => series.zoomTo(null));

  const settings = computed(() => ({
    smoothing: state.value.smoothing,
    logY: state.value.logY,
    ignoreOutliers: state.value.ignoreOutliers,
    xTitle: scale.value.title,
    xMin: extent.value?.[0],
    xMax: extent.value?.[1],
  }));

  return {
    scale,
    charts,
    settings: settings as ComputedRef<Omit<CompareChartSettings, 'axisTitle' | 'format' | 'points'>>,
  };
}

/** The previous array while the next one holds the same items, so dependents do not recompute. */
export function keepIfSame<T>(previous: readonly T[] | undefined, next: T[]): T[] {
  return previous && previous.length === next.length && previous.every((item, index) => item === next[index])
    ? (previous as T[])
    : next;
}
