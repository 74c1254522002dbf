/**
 * A cost study's two charts, time against d and peak memory against d, both log-log: a power law
 * n·d^k is a straight line of slope k, so O(d²) and O(d log d) read apart at a glance. Each curve
 * is a line of its `ok` points; points that ran out of memory (or failed) are marked at the top of
 * the chart, where the curve would have gone on. Other studies drawn on the same axes are dashed.
 */
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { CostCrossover, CostPoint, CostStudyDetail } from '@shared/cost/types';
import {
  costCurves,
  crossoverLabel,
  curveFit,
  environmentLabel,
  pointValue,
  type CostCurve,
} from '../domain/cost-curves';
import { formatBytes, formatMetric } from '../domain/format';
import { seriesColors } from './series-colors';

export type CostChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
>;

export type CostMeasure = 'time' | 'memory';

/** One line of a chart: a curve of one study. */
export interface CostChartCurve {
  /** Unique in the chart: `${studyId}:${curve key}`. */
  id: string;
  /** The legend's name (unique in the chart). */
  name: string;
  color: string;
  /** Drawn dashed: an overlaid study. */
  dashed: boolean;
  /** The whole training step, not the loss alone. */
  step: boolean;
  points: CostPoint[];
  /** The fitted slope in log-log, or null while there is none. */
  slope: number | null;
}

export interface CostChartMark {
  d: number;
  label: string;
  color: string;
}

/**
 * The curves of one kind (the loss alone, or the whole training step) of a study and its overlays
 * for one chart. Colours go by curve over both kinds, so a loss looks the same in every chart and
 * in an overlay.
 */
export function costChartCurves(
  study: CostStudyDetail,
  overlays: readonly CostStudyDetail[],
  measure: CostMeasure,
  kind: CostPoint['kind'] = 'loss',
): CostChartCurve[] {
  const own = costCurves(study.points, study.settings);
  const others = overlays.map((overlay) => ({
    overlay,
    curves: costCurves(overlay.points, overlay.settings),
  }));
  const labels = [
    ...new Set([...own, ...others.flatMap((item) => item.curves)].map((curve) => baseLabel(curve))),
  ];
  const colors = seriesColors(labels);
  const line = (
    detail: CostStudyDetail,
    curve: CostCurve,
    name: string,
    dashed: boolean,
  ): CostChartCurve => ({
    id: `${detail.id}:${curve.key}`,
    name,
    color: colors.get(baseLabel(curve)) ?? '#475569',
    dashed,
    step: curve.kind === 'step',
    points: curve.points,
    slope: curveFit(detail.fits, curve, measure)?.slope ?? null,
  });
  const result = own
    .filter((curve) => curve.kind === kind)
    .map((curve) => line(study, curve, curve.label, false));
  const names = new Set(result.map((item) => item.name));
  for (const { overlay, curves } of others) {
    const environment = environmentLabel(overlay.environment, overlay.settings.backend);
    for (const curve of curves.filter((item) => item.kind === kind)) {
      let name = `${curve.label} · ${environment}`;
      if (names.has(name)) name = `${name} #${overlay.id}`;
      names.add(name);
      result.push(line(overlay, curve, name, true));
    }
  }
  return result;
}

/** A step curve takes its loss's colour: `sBT b=d step` and `sBT b=d` are the same loss. */
const baseLabel = (curve: CostCurve) => curve.label.replace(/ step$/u, '');

/** Whether a crossover is between whole training steps: the fits name those curves `… step`. */
export const isStepCrossover = (crossover: Pick<CostCrossover, 'relaxed'>): boolean =>
  crossover.relaxed.endsWith(' step');

/** The crossovers of one measure and kind with a d, as vertical marks in the relaxed curve's colour. */
export function costChartMarks(
  crossovers: readonly CostCrossover[],
  curves: readonly CostChartCurve[],
  measure: CostMeasure,
  kind: CostPoint['kind'] = 'loss',
): CostChartMark[] {
  return crossovers.flatMap((crossover) => {
    const step = isStepCrossover(crossover);
    if (crossover.measure !== measure || step !== (kind === 'step')) return [];
    const label = crossoverLabel(crossover);
    if (label === null || crossover.d === null) return [];
    // A step curve's crossover names it `fft-bt b=d step`; its id is `…:step:fft-bt b=d`.
    const id = step ? `:step:${crossover.relaxed.slice(0, -' step'.length)}` : `:loss:${crossover.relaxed}`;
    const relaxed = curves.find((curve) => !curve.dashed && curve.id.endsWith(id));
    return [{ d: crossover.d, label, color: relaxed?.color ?? '#1c2128' }];
  });
}

/** "1.08" for the legend. */
export const formatSlope = (slope: number): string => slope.toFixed(2);

/** A legend entry: "sBT b=d · slope 1.08", or the bare name while the curve has no fit. */
export const legendLabel = (curve: Pick<CostChartCurve, 'name' | 'slope'>): string =>
  curve.slope === null ? curve.name : `${curve.name} · slope ${formatSlope(curve.slope)}`;

const AXIS_TEXT = { color: '#5f6b7a', fontSize: 11 };
const NAME_TEXT = { color: '#5f6b7a', fontSize: 11 };
const AXIS_LINE = { lineStyle: { color: '#c9ced6' } };
const SPLIT_LINE = { lineStyle: { color: '#eef0f3' } };
/** A filled ×, as ECharts fills symbol paths. */
const CROSS = 'path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z';

const escapeHtml = (text: string) => text.replace(/[&<>"']/gu, (char) => `&#${char.charCodeAt(0)};`);

export const formatCostValue = (value: number, measure: CostMeasure): string =>
  measure === 'time' ? `${formatMetric(value)} ms` : formatBytes(value);

interface PointDatum {
  value: [number, number];
  text: string;
}

/**
 * The option of one chart. The failed points share their curve's name, so hiding the curve
 * (legendToggleSelect) hides both. Animation is off: the
 * chart is redrawn as each point arrives.
 */
export function buildCostChartOption(
  curves: readonly CostChartCurve[],
  measure: CostMeasure,
  marks: readonly CostChartMark[] = [],
  hidden: ReadonlySet<string> = new Set(),
): CostChartOption {
  const values = curves.flatMap((curve) => curve.points.map((point) => pointValue(point, measure)));
  const measured = values.filter((value): value is number => value !== null);
  // Failed points sit above every measured one (a log axis: one step of 1.6x above the highest).
  const top = measured.length > 0 ? Math.max(...measured) * 1.6 : measure === 'time' ? 1 : 1e6;
  const lines = curves.map((curve): LineSeriesOption => {
    const data: PointDatum[] = curve.points.flatMap((point) => {
      const value = pointValue(point, measure);
      if (value === null) return [];
      const spread =
        measure === 'time' && point.minMs !== null && point.maxMs !== null
          ? ` (${formatMetric(point.minMs)}–${formatMetric(point.maxMs)})`
          : '';
      return [{ value: [point.d, value], text: `${formatCostValue(value, measure)}${spread}` }];
    });
    return {
      type: 'line',
      id: curve.id,
      name: curve.name,
      color: curve.color,
      data,
      showSymbol: true,
      symbol: 'circle',
      symbolSize: curve.dashed ? 4 : 6,
      lineStyle: { width: 1.5, type: curve.dashed ? 'dashed' : 'solid' },
      emphasis: { focus: 'series' },
    };
  });
  const failures = curves.flatMap((curve): ScatterSeriesOption[] => {
    const data: PointDatum[] = curve.points
      .filter((point) => point.status === 'oom' || point.status === 'error')
      .map((point) => ({
        value: [point.d, top],
        text:
          (point.status === 'oom' ? 'out of memory' : 'failed') +
          (point.message ? `<br><span style="color:#8b95a3">${escapeHtml(point.message)}</span>` : ''),
      }));
    if (data.length === 0) return [];
    return [
      {
        type: 'scatter',
        id: `${curve.id}:failed`,
        name: curve.name,
        color: curve.color,
        data,
        symbol: CROSS,
        symbolSize: 10,
        z: 3,
      },
    ];
  });
  // A chart of the whole training step (its curves apart from the loss's since they share colours).
  const steps = curves.length > 0 && curves.every((curve) => curve.step);
  const sorted = marks.map((mark) => mark.d).sort((a, b) => a - b);
  const spread = sorted.every((d, index) => index === 0 || d >= 2 * sorted[index - 1]!);
  const markSeries: LineSeriesOption[] =
    marks.length > 0
      ? [
          {
            type: 'line',
            id: 'crossovers',
            data: [],
            markLine: {
              symbol: 'none',
              animation: false,
              silent: false,
              data: marks.map((mark) => ({
                xAxis: mark.d,
                name: mark.label,
                lineStyle: { color: mark.color, type: 'dashed', width: 1 },
                // Beside its line while the marks are a factor 2 apart or more; closer ones would
                // overlap (the list under the chart names them all).
                label: {
                  show: spread,
                  formatter: mark.label,
                  color: mark.color,
                  fontSize: 10,
                  position: 'insideEndTop',
                },
              })),
            },
          },
        ]
      : [];
  const dims = curves.flatMap((curve) => curve.points.map((point) => point.d));
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 12, right: 24, top: 16, bottom: 6, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    // The legend is drawn by the page (names with their environment and slope wrap there); this
    // hidden one hides the curves the reader switched off, with their failed points.
    legend: {
      show: false,
      data: curves.map((curve) => curve.name),
      selected: Object.fromEntries([...hidden].map((name) => [name, false])),
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      textStyle: { fontSize: 12 },
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        if (!item) return '';
        const datum = item.data as PointDatum | undefined;
        if (item.componentType === 'markLine') return escapeHtml(String(item.name ?? ''));
        if (!datum?.value) return '';
        return `${escapeHtml(item.seriesName ?? '')}<br>d = ${datum.value[0]}: ${datum.text}`;
      },
    },
    xAxis: {
      type: 'log',
      logBase: 2,
      name: 'd',
      nameLocation: 'middle',
      nameGap: 20,
      nameTextStyle: NAME_TEXT,
      ...(dims.length > 0 ? { min: Math.min(...dims), max: Math.max(...dims) } : {}),
      axisLine: AXIS_LINE,
      axisLabel: { ...AXIS_TEXT, hideOverlap: true },
      splitLine: SPLIT_LINE,
    },
    yAxis: {
      type: 'log',
      name: measure === 'time' ? (steps ? 'training step (ms)' : 'forward + backward (ms)') : 'peak memory',
      nameLocation: 'middle',
      nameMoveOverlap: true,
      nameGap: 8,
      nameTextStyle: NAME_TEXT,
      axisLine: { show: true, ...AXIS_LINE },
      axisLabel: {
        ...AXIS_TEXT,
        formatter: (value: number) => (measure === 'time' ? formatMetric(value) : formatBytes(value)),
      },
      splitLine: SPLIT_LINE,
    },
    series: [...lines, ...failures, ...markSeries],
  };
}
