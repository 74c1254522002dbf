import { describe, expect, it } from 'vitest';
import type { SpectrumPart } from '@shared/inspect';
import {
  buildInspectSeriesOption,
  buildScreeOption,
  buildStdHistogramOption,
  buildSummaryVectorOption,
} from '../../src-renderer/charts/inspect-chart-options';

type Bars = { data: { value: number; itemStyle: { color: string } }[]; markLine?: { data: unknown[] } };
type Lines = { name: string; data: [number, number][]; markLine?: { data: { xAxis: number }[] } }[];

const part = (eigenvalues: number[]): SpectrumPart => ({
  eigenvalues,
  rankMe: 2.5,
  stdHistogram: { edges: [0.01, 0.1, 1, 10], counts: [1, 5, 2] },
  collapsed: 1,
  width: eigenvalues.length,
});

describe('the Inspect tab charts', () => {
  it('draws r[k] as bars, lag 0 grey and marked when the loss leaves it out, the hovered lag in amber', () => {
    const r = Float32Array.from([4, -0.5, 0.25, Number.NaN]);
    const excluded = buildSummaryVectorOption(r, { lagZeroExcluded: true, hoveredLag: 2 });
    const bars = (excluded.series as Bars[])[0]!;
    expect(bars.data.map((item) => item.value)).toEqual([4, -0.5, 0.25, 0]);
    expect(bars.data.map((item) => item.itemStyle.color)).toEqual([
      '#c9ced6',
      '#2563eb',
      '#f59e0b',
      '#2563eb',
    ]);
    expect(bars.markLine?.data).toEqual([{ xAxis: '0' }]);
    const offDiagonal = buildSummaryVectorOption(r, { lagZeroExcluded: false, hoveredLag: null });
    expect((offDiagonal.series as Bars[])[0]!.markLine).toBeUndefined();
    expect((offDiagonal.series as Bars[])[0]!.data[0]!.itemStyle.color).toBe('#2563eb');
  });

  it('marks the shown step on the metric charts', () => {
    const option = buildInspectSeriesOption(
      [
        { name: 'inspect/offDiagonalExact', steps: [0, 10], values: [3, 2] },
        { name: 'inspect/offDiagonalRelaxed', steps: [0, 10], values: [1, 0.5] },
      ],
      { labels: { 'inspect/offDiagonalExact': 'exact' }, step: 10, axisTitle: 'penalty' },
    );
    const lines = option.series as Lines;
    expect(lines.map((line) => line.name)).toEqual(['exact', 'inspect/offDiagonalRelaxed']);
    expect(lines[0]!.markLine?.data).toEqual([{ xAxis: 10 }]);
    expect(lines[1]!.markLine).toBeUndefined();
  });

  it('plots positive eigenvalues against rank and the std histograms at their bins’ geometric centres', () => {
    const spectrum = { snapshotId: 1, z: part([4, 1, 0]), backbone: part([2, 0.5]), computeMs: 1 };
    const scree = buildScreeOption(spectrum).series as Lines;
    expect(scree.map((line) => line.data)).toEqual([
      [
        [1, 4],
        [2, 1],
      ],
      [
        [1, 2],
        [2, 0.5],
      ],
    ]);
    const histogram = buildStdHistogramOption({ ...spectrum, backbone: null }).series as Lines;
    expect(histogram).toHaveLength(1);
    const centres = histogram[0]!.data.map(([centre]) => centre);
    [Math.sqrt(0.001), Math.sqrt(0.1), Math.sqrt(10)].forEach((expected, index) =>
      expect(centres[index]).toBeCloseTo(expected),
    );
    expect(histogram[0]!.data.map(([, count]) => count)).toEqual([1, 5, 2]);
  });
});
