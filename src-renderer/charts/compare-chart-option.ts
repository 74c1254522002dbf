import type { LineSeriesOption } from 'echarts/charts';
import { smoothSeries } from '@shared/compare/smoothing';
import type { CompareLine } from '../domain/compare-series';
import { formatValue } from '../domain/format';
import type { MetricFormat } from '../domain/metric-groups';
import type { MetricChartOption } from './echarts';

export interface CompareChartSettings {
  /** EMA weight 0..0.99 (TensorBoard's debiased smoothing); the raw line stays faint behind. */
  smoothing: number;
  logY: boolean;
  /** Fit the value axis to the 1st-99th percentile instead of every value. */
  ignoreOutliers: boolean;
  xTitle: string;
  axisTitle: string;
  format: MetricFormat;
  /** Mark every point (sparse evaluations such as kNN); default a bare line. */
  points?: boolean;
  /** The comparison's x extent, the same on every chart so a synchronised zoom lines up. */
  xMin?: number;
  xMax?: number;
}

/** The suffixes of a line's helper series; only the bare id is the line itself. */
const RAW = ':raw';
const MAX_RAW_LINES = 10;
const LOWER = ':lower';
const BAND = ':band';

/** The shared smoothing on a typed column (plain loops: a smoothing change redoes every line). */
function smoothed(values: Float64Array, weight: number): Float64Array {
  if (weight <= 0) return values;
  const input = new Array<number | null>(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    input[index] = Number.isFinite(value) ? value : null;
  }
  const result = smoothSeries(input, weight);
  const out = new Float64Array(result.length);
  for (let index = 0; index < result.length; index += 1) out[index] = result[index] ?? Number.NaN;
  return out;
}

/** The `p`-th percentile (0..1) of sorted values, linear between ranks. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** The 1st-99th percentile range of the values, padded by 5%; null with too few values. */
export function robustRange(columns: readonly Float64Array[], logY = false): [number, number] | null {
  const values: number[] = [];
  for (const column of columns)
    for (const value of column) if (Number.isFinite(value) && (!logY || value > 0)) values.push(value);
  if (values.length < 5) return null;
  values.sort((a, b) => a - b);
  const lo = percentile(values, 0.01);
  const hi = percentile(values, 0.99);
  if (logY) return [lo / 1.1, hi * 1.1];
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

/** A log axis needs every drawn value above zero. */
export function canUseLogY(lines: readonly CompareLine[]): boolean {
  let any = false;
  for (const line of lines)
    for (const value of line.band ? line.band.lower : line.y) {
      if (!Number.isFinite(value)) continue;
      if (value <= 0) return false;
      any = true;
    }
  return any;
}

/** Steps and samples read as `100,000`, not `1e+5`; fractions (epochs, time) as numbers. */
export function formatX(value: number): string {
  return Number.isInteger(value) && Math.abs(value) >= 1000 ? value.toLocaleString('en') : formatValue(value);
}

interface TooltipParam {
  axisValue?: number | string;
}

/** The index of the point nearest `x` in ascending xs; -1 outside the line's range. */
export function nearestIndex(xs: Float64Array, x: number): number {
  const n = xs.length;
  if (n === 0 || !(x >= xs[0]! && x <= xs[n - 1]!)) return -1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return x - xs[lo]! <= xs[hi]! - x ? lo : hi;
}

/**
 * The tooltip at the hovered x: every line's (smoothed) value at its point nearest that x,
 * highest first, with its colour. Looked up here rather than taken from ECharts' axis
 * tooltip, which lists only the series sharing the single nearest x (runs' wall times and
 * reduced steps rarely coincide). Lines that do not reach the x are left out.
 */
export function tooltipHtml(
  params: readonly TooltipParam[],
  lines: ReadonlyMap<string, { line: CompareLine; values: Float64Array }>,
  settings: Pick<CompareChartSettings, 'xTitle' | 'format'>,
): string {
  const x = Number(params[0]?.axisValue);
  const entries = [...lines.values()].flatMap(({ line, values }) => {
    const index = nearestIndex(line.x, x);
    return index < 0 ? [] : [{ line, value: values[index]! }];
  });
  entries.sort((a, b) => {
    const av = Number.isFinite(a.value) ? a.value : -Infinity;
    const bv = Number.isFinite(b.value) ? b.value : -Infinity;
    return bv - av;
  });
  const escape = (text: string) =>
    text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
  const head = `<div style="color:#5f6b7a;margin-bottom:2px">${escape(settings.xTitle)} ${
    Number.isFinite(x) ? formatX(x) : ''
  }</div>`;
  const rows = entries.map(
    ({ line, value }) =>
      `<div style="display:flex;gap:8px;align-items:center"><span style="display:inline-block;width:10px;height:3px;background:${
        line.color
      }"></span><span style="flex:1">${escape(line.label)}</span><b style="font-variant-numeric:tabular-nums">${
        Number.isFinite(value) ? formatValue(value, settings.format) : '—'
      }</b></div>`,
  );
  return head + rows.join('');
}

/**
 * The option of one comparison chart: per line its smoothed values (the raw ones faint behind
 * while smoothing), a group's band as a filled area between its lower and upper edges (a
 * transparent lower line and the width stacked on it). Series ids follow the line ids so a
 * hover can highlight the same run on every chart. Columns travel as typed arrays (ECharts
 * copies them natively); every reduced point is drawn, so no spike the server kept is lost.
 */
export function buildCompareChartOption(
  lines: readonly CompareLine[],
  settings: CompareChartSettings,
): MetricChartOption {
  const { format } = settings;
  // Evaluations (a handful of points) are not smoothed: an average of two kNN measurements
  // would draw values nobody measured.
  const smoothing = settings.points ? 0 : settings.smoothing;
  const logY = settings.logY && canUseLogY(lines);
  // Beyond ten lines the faint raw lines blur into one grey mass behind the smoothed ones (and
  // double what a smoothing change redraws): they are left out there.
  const showRaw = lines.length <= MAX_RAW_LINES;
  const drawn = new Map<string, { line: CompareLine; values: Float64Array }>();
  const dataset: { dimensions: string[]; source: Record<string, Float64Array> }[] = [];
  const series: LineSeriesOption[] = [];
  for (const line of lines) {
    const values = smoothed(line.y, smoothing);
    drawn.set(line.id, { line, values });
    const datasetIndex = dataset.length;
    const source: Record<string, Float64Array> = { x: line.x, raw: line.y, value: values };
    if (line.band) {
      const lower = smoothed(line.band.lower, smoothing);
      const upper = smoothed(line.band.upper, smoothing);
      source.lower = lower;
      source.width = upper.map((value, index) => value - lower[index]!);
    }
    dataset.push({ dimensions: Object.keys(source), source });
    // Min/max per pixel column: drawing stays cheap and a spike the server kept stays visible.
    const base = {
      type: 'line' as const,
      datasetIndex,
      showSymbol: false,
      symbol: 'none',
      color: line.color,
      ...(settings.points ? {} : { sampling: 'minmax' as const }),
    };
    const helper = { ...base, silent: true, tooltip: { show: false }, emphasis: { disabled: true } };
    if (line.band) {
      series.push(
        {
          ...helper,
          id: line.id + LOWER,
          encode: { x: 'x', y: 'lower' },
          stack: line.id,
          lineStyle: { opacity: 0 },
        },
        {
          ...helper,
          id: line.id + BAND,
          encode: { x: 'x', y: 'width' },
          stack: line.id,
          lineStyle: { opacity: 0 },
          areaStyle: { color: line.color, opacity: 0.15 },
        },
      );
    }
    if (smoothing > 0 && showRaw)
      series.push({
        ...helper,
        id: line.id + RAW,
        encode: { x: 'x', y: 'raw' },
        lineStyle: { width: 1, opacity: 0.22 },
      });
    series.push({
      ...base,
      ...(settings.points ? { showSymbol: true, symbol: 'circle', symbolSize: 6 } : {}),
      id: line.id,
      name: line.label,
      encode: { x: 'x', y: 'value' },
      lineStyle: { width: line.band ? 2 : 1.6 },
      // Hovering a line (here or, through the page, on any chart) fades the others.
      emphasis: { focus: 'series', lineStyle: { width: 3 } },
      blur: { lineStyle: { opacity: 0.15 } },
    });
  }
  const range = settings.ignoreOutliers
    ? robustRange(
        [...drawn.values()].map((item) => item.values),
        logY,
      )
    : null;
  const axisText = { color: '#5f6b7a', fontSize: 11 };
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 8, right: 18, top: 12, bottom: 40, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'line', lineStyle: { color: '#94a3b8' } },
      textStyle: { fontSize: 12 },
      formatter: (params: unknown) =>
        tooltipHtml((Array.isArray(params) ? params : [params]) as TooltipParam[], drawn, settings),
    },
    xAxis: {
      type: 'value',
      name: settings.xTitle,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: axisText,
      min: settings.xMin ?? 'dataMin',
      max: settings.xMax ?? 'dataMax',
      axisLine: { lineStyle: { color: '#c9ced6' } },
      axisLabel: { ...axisText, hideOverlap: true, formatter: formatX },
      splitLine: { show: false },
    },
    yAxis: {
      type: logY ? 'log' : 'value',
      name: settings.axisTitle,
      nameLocation: 'middle',
      nameMoveOverlap: true,
      nameGap: 8,
      nameTextStyle: axisText,
      scale: true,
      ...(range ? { min: range[0], max: range[1] } : {}),
      axisLabel: { ...axisText, formatter: (value: number) => formatValue(value, format, { unit: false }) },
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    dataZoom: [
      // Plain wheel scrolls the page; shift + wheel zooms, drag pans; the slider shows the window.
      {
        type: 'inside',
        xAxisIndex: 0,
        zoomOnMouseWheel: 'shift',
        moveOnMouseWheel: false,
        filterMode: 'none',
      },
      {
        type: 'slider',
        xAxisIndex: 0,
        height: 12,
        bottom: 4,
        showDetail: false,
        brushSelect: false,
        filterMode: 'none',
      },
    ],
    dataset,
    series,
  } as MetricChartOption;
}
