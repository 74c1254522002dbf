import type { LineSeriesOption } from 'echarts/charts';
import { smoothColumn } from '@shared/compare/smoothing';
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

/** One line's columns as ECharts draws them: x and y interleaved in one typed array. */
interface LineColumns {
  /** The drawn (smoothed) values, for the tooltip and the outlier range. */
  values: Float64Array;
  /** `[x0, y0, x1, y1, ...]` of the drawn values, the band's lower edge and its width. */
  value: Float64Array;
  lower?: Float64Array;
  width?: Float64Array;
}

/**
 * `[x0, y0, x1, y1, ...]`: ECharts copies a flat typed array into its store column by column
 * (`fillStorage`), where keyed dataset columns go through one small array per point; at 20 runs
 * x 6 metrics x 1200 points that copy was most of a smoothing redraw.
 */
function interleave(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length * 2);
  for (let index = 0; index < x.length; index += 1) {
    out[2 * index] = x[index]!;
    out[2 * index + 1] = y[index]!;
  }
  return out;
}

/** ECharts reads a typed array as series data (its `dimensions` give the stride); its types do not say so. */
const flat = (data: Float64Array) => data as unknown as LineSeriesOption['data'];

/** Columns per line and weight; a few weights kept, so sliding back redraws without recomputing. */
const columnCache = new WeakMap<CompareLine, Map<number, LineColumns>>();
const CACHED_WEIGHTS = 4;

/** A line's drawn columns at one smoothing weight (cached: the line's arrays are never changed). */
function lineColumns(line: CompareLine, weight: number): LineColumns {
  let byWeight = columnCache.get(line);
  if (!byWeight) columnCache.set(line, (byWeight = new Map()));
  const cached = byWeight.get(weight);
  if (cached) return cached;
  const values = weight > 0 ? smoothColumn(line.y, weight) : line.y;
  const columns: LineColumns = { values, value: interleave(line.x, values) };
  if (line.band) {
    const lower = weight > 0 ? smoothColumn(line.band.lower, weight) : line.band.lower;
    const upper = weight > 0 ? smoothColumn(line.band.upper, weight) : line.band.upper;
    columns.lower = interleave(line.x, lower);
    columns.width = interleave(
      line.x,
      upper.map((value, index) => value - lower[index]!),
    );
  }
  if (byWeight.size >= CACHED_WEIGHTS) byWeight.delete(byWeight.keys().next().value!);
  byWeight.set(weight, columns);
  return columns;
}

/** The raw line behind a smoothed one (the same at every weight). */
function rawColumn(line: CompareLine): Float64Array {
  return lineColumns(line, 0).value;
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

type Drawn = ReadonlyMap<string, { line: CompareLine; values: Float64Array }>;

/** What a chart draws at its settings: each line's columns, and the y range fitted to them. */
function drawLines(lines: readonly CompareLine[], settings: CompareChartSettings) {
  // Evaluations (a handful of points) are not smoothed: an average of two kNN measurements
  // would draw values nobody measured.
  const smoothing = settings.points ? 0 : settings.smoothing;
  const logY = settings.logY && canUseLogY(lines);
  const columns = lines.map((line) => lineColumns(line, smoothing));
  const drawn: Drawn = new Map(
    lines.map((line, index) => [line.id, { line, values: columns[index]!.values }]),
  );
  const range = settings.ignoreOutliers
    ? robustRange(
        columns.map((item) => item.values),
        logY,
      )
    : null;
  return { smoothing, logY, columns, drawn, range };
}

/**
 * Beyond ten lines the faint raw lines blur into one grey mass behind the smoothed ones (and
 * double what a smoothing change redraws): they are left out there.
 */
function showsRaw(lines: readonly CompareLine[], settings: CompareChartSettings): boolean {
  return !settings.points && settings.smoothing > 0 && lines.length <= MAX_RAW_LINES;
}

/**
 * Whether going from one drawing to the next changes only the smoothed values (the same lines,
 * every other setting the same, the raw lines shown in both or in neither): then
 * `buildSmoothingUpdate` suffices instead of a whole new option.
 */
export function isSmoothingOnly(
  before: { lines: readonly CompareLine[]; settings: CompareChartSettings } | undefined,
  lines: readonly CompareLine[],
  settings: CompareChartSettings,
): boolean {
  if (!before || before.lines !== lines) return false;
  const keys = new Set([...Object.keys(before.settings), ...Object.keys(settings)]) as Set<
    keyof CompareChartSettings
  >;
  for (const key of keys) if (key !== 'smoothing' && before.settings[key] !== settings[key]) return false;
  return showsRaw(lines, before.settings) === showsRaw(lines, settings);
}

/**
 * The part of a chart's option a smoothing change alters, merged into the drawn chart by series
 * id: only the drawn columns (the raw lines, axes, styles and zoom stay as they are, so ECharts
 * neither rebuilds the series nor re-reads the raw data), the fitted y range and the tooltip's
 * values.
 */
export function buildSmoothingUpdate(
  lines: readonly CompareLine[],
  settings: CompareChartSettings,
): MetricChartOption {
  const { columns, drawn, range } = drawLines(lines, settings);
  const series: LineSeriesOption[] = [];
  lines.forEach((line, index) => {
    const { value, lower, width } = columns[index]!;
    if (lower && width)
      series.push({ id: line.id + LOWER, data: flat(lower) }, { id: line.id + BAND, data: flat(width) });
    series.push({ id: line.id, data: flat(value) });
  });
  return {
    tooltip: { formatter: tooltipFormatter(drawn, settings) },
    ...(range ? { yAxis: { min: range[0], max: range[1] } } : {}),
    series,
  } as MetricChartOption;
}

function tooltipFormatter(drawn: Drawn, settings: CompareChartSettings) {
  return (params: unknown) =>
    tooltipHtml((Array.isArray(params) ? params : [params]) as TooltipParam[], drawn, settings);
}

/**
 * The option of one comparison chart: per line its smoothed values (the raw ones faint behind
 * while smoothing), a group's band as a filled area between its lower and upper edges (a
 * transparent lower line and the width stacked on it). Series ids follow the line ids so a
 * hover can highlight the same run on every chart. Each series' data is one flat typed array
 * of x, y pairs (see `interleave`); every reduced point is drawn, so no spike the server kept
 * is lost.
 */
export function buildCompareChartOption(
  lines: readonly CompareLine[],
  settings: CompareChartSettings,
): MetricChartOption {
  const { format } = settings;
  const { logY, columns, drawn, range } = drawLines(lines, settings);
  const showRaw = showsRaw(lines, settings);
  const series: LineSeriesOption[] = [];
  lines.forEach((line, index) => {
    const { value, lower, width } = columns[index]!;
    // Min/max per pixel column: drawing stays cheap and a spike the server kept stays visible.
    const base = {
      type: 'line' as const,
      dimensions: ['x', 'y'],
      showSymbol: false,
      symbol: 'none',
      color: line.color,
      ...(settings.points ? {} : { sampling: 'minmax' as const }),
    };
    const helper = { ...base, silent: true, tooltip: { show: false }, emphasis: { disabled: true } };
    if (lower && width) {
      series.push(
        { ...helper, id: line.id + LOWER, data: flat(lower), stack: line.id, lineStyle: { opacity: 0 } },
        {
          ...helper,
          id: line.id + BAND,
          data: flat(width),
          stack: line.id,
          lineStyle: { opacity: 0 },
          areaStyle: { color: line.color, opacity: 0.15 },
        },
      );
    }
    if (showRaw)
      series.push({
        ...helper,
        id: line.id + RAW,
        data: flat(rawColumn(line)),
        lineStyle: { width: 1, opacity: 0.22 },
      });
    series.push({
      ...base,
      ...(settings.points ? { showSymbol: true, symbol: 'circle', symbolSize: 6 } : {}),
      id: line.id,
      name: line.label,
      data: flat(value),
      lineStyle: { width: line.band ? 2 : 1.6 },
      // Hovering a line (here or, through the page, on any chart) fades the others.
      emphasis: { focus: 'series', lineStyle: { width: 3 } },
      blur: { lineStyle: { opacity: 0.15 } },
    });
  });
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
      formatter: tooltipFormatter(drawn, settings),
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
        // The shadow would draw the first run only, and its outline is re-measured on every redraw.
        showDataShadow: false,
        filterMode: 'none',
      },
    ],
    series,
  } as MetricChartOption;
}
