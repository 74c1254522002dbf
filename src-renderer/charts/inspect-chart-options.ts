import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { SpectrumView } from '@shared/inspect';
import type { MetricSeries } from '@shared/metrics';
import { formatMetric } from '../domain/format';
import type { InspectChartOption } from './echarts';
import { buildMetricChartOption } from './metric-chart-option';

const AXIS_TEXT = { color: '#5f6b7a', fontSize: 11 };
const AXIS_LINE = { lineStyle: { color: '#c9ced6' } };
const SPLIT_LINE = { lineStyle: { color: '#eef0f3' } };
const NAME_TEXT = { color: '#5f6b7a', fontSize: 11 };
/** Z (projector output) and backbone lines keep these colours in every inspector chart. */
export const PART_COLORS = { z: '#2563eb', backbone: '#c2410c' } as const;

/** A dashed vertical line at the step the heatmap shows. */
function stepMark(step: number, lastStep: number): LineSeriesOption['markLine'] {
  // The label goes on the side with room: right of a line in the first half, left of one later.
  const position = step <= lastStep / 2 ? 'insideEndBottom' : 'insideEndTop';
  return {
    symbol: 'none',
    silent: true,
    animation: false,
    lineStyle: { color: '#1c2128', type: 'dashed', width: 1 },
    label: { formatter: `step ${step}`, color: '#1c2128', fontSize: 10, position },
    data: [{ xAxis: step }],
  };
}

/**
 * A metric chart of `inspect/*` series (the relaxation gap, RankMe) with the shown snapshot's step
 * marked: the run page's metric chart, every point marked (one per snapshot).
 */
export function buildInspectSeriesOption(
  series: readonly MetricSeries[],
  options: {
    labels: Record<string, string>;
    step: number | null;
    axisTitle: string;
    logScale?: boolean;
    /** Colours by metric name (the same quantity keeps its colour across the tab's charts). */
    colors?: Record<string, string>;
  },
): InspectChartOption {
  const base = buildMetricChartOption(series, {
    points: true,
    labels: options.labels,
    axisTitle: options.axisTitle,
    logScale: options.logScale ?? false,
  });
  const lines = (base.series ?? []) as LineSeriesOption[];
  const lastStep = Math.max(0, ...series.map((item) => item.steps[item.steps.length - 1] ?? 0));
  return {
    ...base,
    dataZoom: [],
    grid: { ...(base.grid as object), bottom: 26 },
    series: lines.map((line, index) => ({
      ...line,
      ...(options.colors?.[String(line.id)] ? { color: options.colors[String(line.id)] } : {}),
      ...(index === 0 && options.step !== null ? { markLine: stepMark(options.step, lastStep) } : {}),
    })),
  } as InspectChartOption;
}

/**
 * The summary vector r_gh[k] of one block pair over lag k, as the loss weighs it. Lag 0 of a
 * diagonal block is the block's trace, left out of the penalty: drawn grey and labelled so.
 */
export function buildSummaryVectorOption(
  r: Float32Array,
  options: { lagZeroExcluded: boolean; hoveredLag: number | null },
): InspectChartOption {
  const data: BarSeriesOption['data'] = Array.from(r, (value, lag) => {
    const excluded = lag === 0 && options.lagZeroExcluded;
    const hovered = lag === options.hoveredLag;
    return {
      value: Number.isFinite(value) ? value : 0,
      itemStyle: { color: excluded ? '#c9ced6' : hovered ? '#f59e0b' : '#2563eb' },
    };
  });
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 8, right: 12, top: 28, bottom: 30, containLabel: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const item = (Array.isArray(params) ? params[0] : params) as { dataIndex: number };
        const lag = item.dataIndex;
        const note = lag === 0 && options.lagZeroExcluded ? ' (the trace: not penalised)' : '';
        return `lag k = ${lag}${note}<br>r[k] = ${formatMetric(r[lag])}`;
      },
      textStyle: { fontSize: 12 },
    },
    xAxis: {
      type: 'category',
      data: Array.from(r, (_, lag) => String(lag)),
      name: 'lag k',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: NAME_TEXT,
      axisLine: AXIS_LINE,
      axisLabel: { ...AXIS_TEXT, hideOverlap: true },
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: 'value',
      name: 'r_gh[k]',
      nameTextStyle: NAME_TEXT,
      axisLabel: { ...AXIS_TEXT, formatter: (value: number) => formatMetric(value) },
      splitLine: SPLIT_LINE,
    },
    series: [
      {
        type: 'bar',
        data,
        barCategoryGap: '20%',
        emphasis: { disabled: true },
        ...(options.lagZeroExcluded
          ? {
              markLine: {
                symbol: 'none',
                silent: true,
                lineStyle: { color: '#8b95a3', type: 'dotted' },
                label: {
                  formatter: 'lag 0 excluded',
                  fontSize: 10,
                  color: '#5f6b7a',
                  position: 'insideEndTop',
                },
                data: [{ xAxis: '0' }],
              },
            }
          : {}),
      },
    ],
  };
}

/**
 * Eigenvalues above rounding noise: at most n - 1 are nonzero, and the rest come out of float64
 * as 1e-20 or so, which would stretch a log axis over ten empty decades.
 */
export function significant(eigenvalues: readonly number[]): number[] {
  const largest = Math.max(0, ...eigenvalues);
  return eigenvalues.filter((value) => value > largest * 1e-10);
}

/** Z's and the backbone's parts of a spectrum, each with its name and colour. */
function spectrumParts(spectrum: SpectrumView) {
  return [
    { name: 'Z (projector)', part: spectrum.z, color: PART_COLORS.z },
    ...(spectrum.backbone
      ? [{ name: 'backbone', part: spectrum.backbone, color: PART_COLORS.backbone }]
      : []),
  ];
}

/**
 * A spectrum chart: one line per part over a log x axis, the legend top right, a tooltip line
 * per point from `describe(series name, x, y)`.
 */
function spectrumChart(options: {
  lines: { name: string; color: string; data: [number, number][]; step?: boolean }[];
  xName: string;
  yName: string;
  logY: boolean;
  /** End the x axis at the last point (ranks), not at the next power of ten. */
  xToData?: boolean;
  describe: (name: string, x: number, y: number) => string;
}): InspectChartOption {
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 8, right: 16, top: 28, bottom: 30, containLabel: true },
    legend: { top: 0, right: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4, textStyle: AXIS_TEXT },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const item = params as { seriesName: string; value: [number, number] };
        return options.describe(item.seriesName, item.value[0], item.value[1]);
      },
      textStyle: { fontSize: 12 },
    },
    xAxis: {
      type: 'log',
      ...(options.xToData ? { max: 'dataMax' as const } : {}),
      name: options.xName,
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: NAME_TEXT,
      axisLine: AXIS_LINE,
      axisLabel: { ...AXIS_TEXT, formatter: (value: number) => formatMetric(value) },
      splitLine: { show: false },
    },
    yAxis: {
      type: options.logY ? 'log' : 'value',
      name: options.yName,
      nameTextStyle: NAME_TEXT,
      axisLabel: { ...AXIS_TEXT, formatter: (value: number) => formatMetric(value) },
      splitLine: SPLIT_LINE,
    },
    series: options.lines.map(({ name, color, data, step }) => ({
      type: 'line',
      name,
      color,
      showSymbol: false,
      lineStyle: { width: 1.5 },
      emphasis: { disabled: true },
      ...(step ? { step: 'middle' as const, areaStyle: { opacity: 0.12 } } : {}),
      data,
    })),
  };
}

/** Eigenvalue against rank on log-log axes, for Z and the backbone (zero eigenvalues left out). */
export function buildScreeOption(spectrum: SpectrumView): InspectChartOption {
  return spectrumChart({
    lines: spectrumParts(spectrum).map(({ name, part, color }) => ({
      name,
      color,
      data: significant(part.eigenvalues).map((value, index) => [index + 1, value] as [number, number]),
    })),
    xName: 'rank',
    yName: 'eigenvalue',
    logY: true,
    xToData: true,
    describe: (name, rank, value) => `${name}<br>λ${rank} = ${formatMetric(value)}`,
  });
}

/**
 * The per-feature standard deviations of Z and the backbone: each part's histogram over its own
 * log-spaced bins, drawn as a step line on a log axis so parts with different bins share it.
 */
export function buildStdHistogramOption(spectrum: SpectrumView): InspectChartOption {
  return spectrumChart({
    lines: spectrumParts(spectrum).map(({ name, part, color }) => {
      const { edges, counts } = part.stdHistogram;
      const data = counts
        .map(
          (count, index) =>
            [Math.sqrt((edges[index] ?? 0) * (edges[index + 1] ?? 0)), count] as [number, number],
        )
        .filter(([centre]) => centre > 0);
      return { name, color, data, step: true };
    }),
    xName: 'feature standard deviation',
    yName: 'features',
    logY: false,
    describe: (name, std, count) => `${name}<br>std ≈ ${formatMetric(std)}: ${count} features`,
  });
}
