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
  /** The whole training step (dotted when not dashed). */
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

/** The curves of a study and its overlays for one chart; colours by curve, so overlays match. */
export function costChartCurves(
  study: CostStudyDetail,
  overlays: readonly CostStudyDetail[],
  measure: CostMeasure,
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
  const result = own.map((curve) => line(study, curve, curve.label, false));
  const names = new Set(result.map((item) => item.name));
  for (const { overlay, curves } of others) {
    const environment = environmentLabel(overlay.environment, overlay.settings.backend);
    for (const curve of curves) {
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

/** The crossovers of one measure with a d, as vertical marks in the relaxed curve's colour. */
export function costChartMarks(
  crossovers: readonly CostCrossover[],
  curves: readonly CostChartCurve[],
  measure: CostMeasure,
): CostChartMark[] {
  return crossovers.flatMap((crossover) => {
    const label = crossover.measure === measure ? crossoverLabel(crossover) : null;
    if (label === null || crossover.d === null) return [];
    const relaxed = curves.find((curve) => !curve.dashed && curve.id.endsWith(`:loss:${crossover.relaxed}`));
    return [{ d: crossover.d, label, color: relaxed?.color ?? '#1c2128' }];
  });
}

/** "1.08" for the legend. */
export const formatSlope = (slope: number): string => slope.toFixed(2);

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
 * The option of one chart. Names carry the slope in the legend ("sBT b=d · slope 1.08"); the
 * failed points share their curve's name, so a legend click hides both. Animation is off: the
 * chart is redrawn as each point arrives.
 */
export function buildCostChartOption(
  curves: readonly CostChartCurve[],
  measure: CostMeasure,
  marks: readonly CostChartMark[] = [],
): CostChartOption {
  const values = curves.flatMap((curve) => curve.points.map((point) => pointValue(point, measure)));
  const measured = values.filter((value): value is number => value !== null);
  // Failed points sit above every measured one (a log axis: one step of 1.6x above the highest).
  const top = measured.length > 0 ? Math.max(...measured) * 1.6 : measure === 'time' ? 1 : 1e6;
  const slopes = new Map(curves.map((curve) => [curve.name, curve.slope]));
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
      lineStyle: { width: 1.5, type: curve.dashed ? 'dashed' : curve.step ? 'dotted' : 'solid' },
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
                label: { formatter: mark.label, color: mark.color, fontSize: 10, position: 'insideEndTop' },
              })),
            },
          },
        ]
      : [];
  const dims = curves.flatMap((curve) => curve.points.map((point) => point.d));
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 12, right: 24, top: 56, bottom: 30, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    legend: {
      top: 0,
      left: 0,
      type: 'scroll',
      icon: 'roundRect',
      itemWidth: 14,
      itemHeight: 4,
      textStyle: { fontSize: 11, color: '#1c2128' },
      data: curves.map((curve) => curve.name),
      formatter: (name: string) => {
        const slope = slopes.get(name);
        return slope === null || slope === undefined ? name : `${name} · slope ${formatSlope(slope)}`;
      },
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
      name: measure === 'time' ? 'forward + backward (ms)' : 'peak memory',
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
