import { init } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import '../../src-renderer/charts/echarts';
import {
  buildCompareChartOption,
  buildSmoothingUpdate,
  isSmoothingOnly,
  type CompareChartSettings,
} from '../../src-renderer/charts/compare-chart-option';
import type { CompareLine } from '../../src-renderer/domain/compare-series';

/**
 * A smoothing change is merged into the drawn chart (only the smoothed columns, by series id)
 * instead of a whole new option: drawn by a real ECharts instance (server-side SVG), the merged
 * chart must hold exactly what a chart built from scratch at the new weight holds.
 */
const SETTINGS: CompareChartSettings = {
  smoothing: 0.6,
  logY: false,
  ignoreOutliers: true,
  xTitle: 'step',
  axisTitle: 'loss',
  format: 'number',
  xMin: 0,
  xMax: 199,
};

function line(id: string, phase: number, band = false): CompareLine {
  const x = Float64Array.from({ length: 200 }, (_, index) => index);
  const y = x.map((step) => Math.exp(-step / 60) + 0.2 * Math.sin(step * phase) + (step === 90 ? 5 : 0));
  return {
    id,
    label: id,
    color: '#123456',
    x,
    y,
    ...(band ? { band: { lower: y.map((value) => value - 0.1), upper: y.map((value) => value + 0.3) } } : {}),
  };
}

/** The part of ECharts' model read here (`getModel` is internal; the drawn data lives there). */
interface DrawnModel {
  getSeries(): {
    id: string;
    getData(): {
      mapDimension(dim: string): string;
      count(): number;
      get(dim: string, index: number): unknown;
    };
  }[];
  getComponent(type: string, index: number): { option: unknown } | undefined;
}

/** Every series' drawn values (stacked values for a band) and the value axis' range. */
function drawnState(option: Parameters<ReturnType<typeof init>['setOption']>[0], update?: typeof option) {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 250 });
  chart.setOption(option);
  if (update) chart.setOption(update);
  const model = (chart as unknown as { getModel(): DrawnModel }).getModel();
  const series = model.getSeries().map((item) => {
    const data = item.getData();
    const y = data.mapDimension('y');
    const values: number[] = [];
    for (let index = 0; index < data.count(); index += 1) values.push(data.get(y, index) as number);
    return { id: item.id, values };
  });
  const yAxis = model.getComponent('yAxis', 0)!.option as { min?: number; max?: number };
  const tooltip = model.getComponent('tooltip', 0)!.option as { formatter: (params: unknown) => string };
  const html = tooltip.formatter([{ axisValue: 90 }]);
  chart.dispose();
  return { series, yMin: yAxis.min, yMax: yAxis.max, html };
}

describe('a smoothing change merged into a drawn comparison chart', () => {
  const lines = [line('run:1', 0.7), line('run:2', 1.3), line('group:a', 0.4, true)];

  it('draws the same lines, band, raw lines, y range and tooltip as a chart built anew', () => {
    const next = { ...SETTINGS, smoothing: 0.95 };
    const merged = drawnState(buildCompareChartOption(lines, SETTINGS), buildSmoothingUpdate(lines, next));
    const fresh = drawnState(buildCompareChartOption(lines, next));
    expect(merged.series.map((item) => item.id)).toEqual(fresh.series.map((item) => item.id));
    expect(merged.series.map((item) => item.id)).toContain('run:1:raw');
    expect(merged).toEqual(fresh);
    // It did change what is drawn: the first chart's values differ from the new ones.
    const before = drawnState(buildCompareChartOption(lines, SETTINGS));
    expect(before.series.find((item) => item.id === 'run:1')).not.toEqual(
      fresh.series.find((item) => item.id === 'run:1'),
    );
  });

  it('is used only when nothing but the smoothing changed and the raw lines stay as they were', () => {
    const before = { lines, settings: SETTINGS };
    expect(isSmoothingOnly(before, lines, { ...SETTINGS, smoothing: 0.9 })).toBe(true);
    expect(isSmoothingOnly(undefined, lines, SETTINGS)).toBe(false);
    expect(isSmoothingOnly(before, [...lines], { ...SETTINGS, smoothing: 0.9 })).toBe(false);
    expect(isSmoothingOnly(before, lines, { ...SETTINGS, smoothing: 0.9, logY: true })).toBe(false);
    expect(isSmoothingOnly(before, lines, { ...SETTINGS, xMax: 150 })).toBe(false);
    // Smoothing off removes the raw lines behind (a new set of series), unless there are too many.
    expect(isSmoothingOnly(before, lines, { ...SETTINGS, smoothing: 0 })).toBe(false);
    const many = Array.from({ length: 11 }, (_, index) => line(`run:${index}`, 0.5 + index / 10));
    expect(isSmoothingOnly({ lines: many, settings: SETTINGS }, many, { ...SETTINGS, smoothing: 0 })).toBe(
      true,
    );
  });
});
