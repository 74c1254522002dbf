import type { MetricSeries } from '@shared/metrics';
import type { LineSeriesOption } from 'echarts/charts';
import { formatValue } from '../domain/format';
import type { MetricFormat } from '../domain/metric-groups';
import { latestValue } from '../domain/metric-series';
import type { MetricChartOption } from './echarts';
import { seriesColors } from './series-colors';

/** Smallest and largest non-null value, or null for a series without values. */
export function valueRange(values: readonly (number | null)[]): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value === null) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : null;
}

/** A log axis needs every value above zero. */
export function canUseLogScale(series: readonly MetricSeries[]): boolean {
  const ranges = series.map((item) => valueRange(item.values));
  return ranges.some((range) => range !== null) && ranges.every((range) => range === null || range[0] > 0);
}

function mean(values: readonly (number | null)[]): number | undefined {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count += 1;
  }
  return count > 0 ? sum / count : undefined;
}

/**
 * Series of very different size in one chart (e.g. Barlow Twins' on- and off-diagonal terms)
 * flatten the small one to a line at zero; a log axis shows both. "Different" means typical
 * (mean) values more than 20x apart.
 */
export function prefersLogScale(series: readonly MetricSeries[]): boolean {
  if (series.length < 2 || !canUseLogScale(series)) return false;
  const means = series.map((item) => mean(item.values)).filter((value) => value !== undefined);
  return Math.max(...means) / Math.min(...means) > 20;
}

// A type alias (not an interface) so it fits ECharts' keyed-columns index signature.
type Columns = { step: Float64Array; value: Float64Array };

const columnCache = new WeakMap<MetricSeries, Columns>();

/**
 * The series as typed arrays, made once per series object (they are replaced, never mutated).
 * ECharts deep-copies every option it is given: plain arrays element by element (a quarter of
 * the CPU time of a live 100k-point chart), typed arrays with one native copy. Non-finite
 * values (`null`) become NaN, which ECharts draws as a gap.
 */
function toColumns(series: MetricSeries): Columns {
  let columns = columnCache.get(series);
  if (!columns) {
    const value = new Float64Array(series.values.length);
    series.values.forEach((item, index) => {
      value[index] = item ?? Number.NaN;
    });
    columns = { step: Float64Array.from(series.steps), value };
    columnCache.set(series, columns);
  }
  return columns;
}

export interface MetricChartOptions {
  /** Logarithmic value axis (only for positive values). Default false. */
  logScale?: boolean;
  /** How values read on the axis, in the tooltip and legend. Default `number`. */
  format?: MetricFormat;
  /** Names of the series drawn as stacked areas, bottom first; the others stay plain lines. */
  stacked?: readonly string[];
  /** Mark every point (few points, e.g. evaluations) instead of a bare downsampled line. */
  points?: boolean;
  /** Display names by metric name (legend, tooltip); default the metric name. */
  labels?: Readonly<Record<string, string>>;
  /** Extend the step axis to at least this step (e.g. the run's last step, for sparse evaluations). */
  xMax?: number;
  /** The value axis's title with its unit (from the shared metric table); none by default. */
  axisTitle?: string;
}

/**
 * Builds the option of one metric chart. Each series becomes a dataset whose source is its
 * columns as typed arrays (no [step, value] pairs), drawn as a line without symbols and
 * downsampled with LTTB, which keeps 100k-point series smooth (charts with `points` mark every
 * point instead). Stacked series share one stack and fill their band; ECharts stacks before it
 * downsamples, so each band keeps its own bottom. Animation is off: live charts update several
 * times a second and a replayed animation would only lag behind. Series carry their metric name
 * as id so an update replaces them in place.
 */
export function buildMetricChartOption(
  series: readonly MetricSeries[],
  {
    logScale = false,
    format = 'number',
    stacked = [],
    points = false,
    labels = {},
    xMax,
    axisTitle,
  }: MetricChartOptions = {},
): MetricChartOption {
  const showLegend = series.length > 1;
  const label = (name: string) => labels[name] ?? name;
  const latest = new Map(series.map((item) => [label(item.name), latestValue(item)]));
  const stacking = stacked.length > 0;
  const colors = seriesColors(series.map((item) => item.name));
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: {
      left: 8,
      right: 16,
      top: showLegend ? 30 : 12,
      bottom: 36,
      // The tick labels, and the axis title where there is one, stay inside the chart's box.
      ...(axisTitle
        ? { outerBoundsMode: 'same' as const, outerBoundsContain: 'all' as const }
        : { containLabel: true }),
    },
    legend: {
      show: showLegend,
      top: 0,
      left: 0,
      type: 'scroll',
      icon: 'roundRect',
      itemWidth: 12,
      itemHeight: 4,
      textStyle: { fontSize: 11, color: '#5f6b7a' },
      // Milliseconds are in the chart's title: the legend stays short enough for four series.
      formatter: (name: string) => `${name}  ${formatValue(latest.get(name), format, { unit: false })}`,
    },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'line', lineStyle: { color: '#94a3b8' } },
      valueFormatter: (value) => (typeof value === 'number' ? formatValue(value, format) : 'NaN'),
      textStyle: { fontSize: 12 },
    },
    xAxis: {
      type: 'value',
      name: 'step',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: { color: '#5f6b7a', fontSize: 11 },
      // Evaluations start at step 0 (initialisation): their charts start there too.
      min: points ? 0 : 'dataMin',
      max: xMax === undefined ? 'dataMax' : (extent: { max: number }) => Math.max(extent.max, xMax),
      axisLine: { lineStyle: { color: '#c9ced6' } },
      axisLabel: { color: '#5f6b7a', fontSize: 11, hideOverlap: true },
      // Snap to points so the tooltip names a real step, not an interpolated 59,580.00.
      axisPointer: { snap: true, label: { precision: 0 } },
      splitLine: { show: false },
    },
    yAxis: {
      ...(axisTitle
        ? {
            name: axisTitle,
            nameLocation: 'middle',
            // Placed beside the tick labels, whatever their width (ECharts 6).
            nameMoveOverlap: true,
            nameGap: 8,
            nameTextStyle: { color: '#5f6b7a', fontSize: 11 },
          }
        : {}),
      type: logScale ? 'log' : 'value',
      // Stacked areas read from zero; other charts zoom onto their values.
      scale: !stacking,
      // An accuracy never passes 100%, however the axis would pad a single point.
      ...(format === 'percent' ? { max: (extent: { max: number }) => Math.max(1, extent.max) } : {}),
      axisLabel: {
        color: '#5f6b7a',
        fontSize: 11,
        formatter: (value: number) => formatValue(value, format, { unit: false }),
      },
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    dataZoom: [
      // Plain wheel scrolls the page; shift + wheel zooms, drag pans.
      {
        type: 'inside',
        xAxisIndex: 0,
        zoomOnMouseWheel: 'shift',
        moveOnMouseWheel: false,
        filterMode: 'filter',
      },
      {
        type: 'slider',
        xAxisIndex: 0,
        height: 14,
        bottom: 6,
        showDetail: false,
        brushSelect: false,
        borderColor: '#e1e4e8',
      },
    ],
    // Datasets have no id on purpose: with `replaceMerge` an id would make ECharts merge the new
    // source into the old model, walking every index of the typed arrays; without one it is replaced.
    dataset: series.map((item) => ({
      dimensions: ['step', 'value'],
      source: toColumns(item),
    })),
    series: series.map((item, index): LineSeriesOption => {
      const inStack = stacked.includes(item.name);
      const color = colors.get(item.name);
      return {
        type: 'line',
        id: item.name,
        name: label(item.name),
        // By name, not by place: the colours stay when series arrive in another order.
        color,
        datasetIndex: index,
        encode: { x: 'step', y: 'value' },
        // A one-point series (the loss timed once per run) is only visible as a mark.
        ...(points || item.steps.length === 1
          ? { showSymbol: true, symbol: 'circle', symbolSize: 6 }
          : { showSymbol: false, symbol: 'none', sampling: 'lttb' as const }),
        ...(inStack
          ? { stack: 'parts', areaStyle: { opacity: 0.45 }, lineStyle: { width: 1 } }
          : { lineStyle: stacking ? { width: 1.5, type: 'dashed' as const } : { width: 1.5 } }),
        emphasis: { disabled: true },
      };
    }),
  };
}
