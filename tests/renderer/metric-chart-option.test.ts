import { describe, expect, it } from 'vitest';
import {
  buildMetricChartOption,
  canUseLogScale,
  prefersLogScale,
  valueRange,
} from '../../src-renderer/charts/metric-chart-option';
import {
  formatBytes,
  formatMetric,
  formatPercent,
  formatResult,
  formatValue,
} from '../../src-renderer/domain/format';

const steps = Array.from({ length: 100_000 }, (_, index) => index + 1);

describe('the metric chart option', () => {
  it('hands the columns to ECharts as typed arrays, downsampled, without symbols or animation', () => {
    const loss = { name: 'loss', steps, values: steps.map((step) => (step === 3 ? null : 1 / step)) };
    const option = buildMetricChartOption([loss]);
    const source = (option.dataset as { source: { step: Float64Array; value: Float64Array } }[])[0]!.source;
    expect(source.step).toBeInstanceOf(Float64Array);
    expect([...source.step.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect([...source.value.subarray(0, 3)]).toEqual([1, 0.5, Number.NaN]);
    // Made once per series object: a rebuild for new points elsewhere reuses them.
    const again = (buildMetricChartOption([loss]).dataset as { source: unknown }[])[0]!.source;
    expect(again).toBe(source);
    expect(option.series).toEqual([
      expect.objectContaining({
        type: 'line',
        id: 'loss',
        datasetIndex: 0,
        sampling: 'lttb',
        showSymbol: false,
      }),
    ]);
    expect(option.animation).toBe(false);
    expect(option.legend).toMatchObject({ show: false });
    expect(option.yAxis).toMatchObject({ type: 'value' });
    expect(buildMetricChartOption([loss], { logScale: true }).yAxis).toMatchObject({ type: 'log' });
  });

  it('proposes a log axis only for positive series of very different size', () => {
    // Measured on a real Barlow Twins run: the maxima are only 61x apart, the typical values 170x.
    const small = { name: 'loss/onDiagonal', steps: [1, 2, 3], values: [147, 30, 25] };
    const large = { name: 'loss/offDiagonal', steps: [1, 2, 3], values: [1289, 8983, null] };
    expect(valueRange(large.values)).toEqual([1289, 8983]);
    expect(valueRange([null])).toBeNull();
    expect(prefersLogScale([small, large])).toBe(true);
    expect(prefersLogScale([small])).toBe(false);
    expect(canUseLogScale([{ ...small, values: [0, 1] }])).toBe(false);
    expect(prefersLogScale([small, { ...large, values: [100, 200, 300] }])).toBe(false);
    expect(prefersLogScale([{ ...small, values: [-1, 1] }, large])).toBe(false);
  });
});

describe('charts of a kind', () => {
  const part = (name: string, values: number[]) => ({ name, steps: [1, 2, 3], values });

  it('stacks the parts of a step as areas from zero and draws the whole step as a dashed line', () => {
    const option = buildMetricChartOption(
      [
        part('time/data_ms', [1, 2, 3]),
        part('time/forward_ms', [10, 11, 12]),
        part('time/backward_ms', [20, 21, 22]),
        part('time/step_ms', [32, 35, 38]),
      ],
      {
        format: 'ms',
        stacked: ['time/data_ms', 'time/forward_ms', 'time/backward_ms'],
        labels: { 'time/data_ms': 'data', 'time/step_ms': 'total' },
      },
    );
    const series = option.series as Record<string, unknown>[];
    expect(series.map((item) => [item.id, item.name, item.stack])).toEqual([
      ['time/data_ms', 'data', 'parts'],
      ['time/forward_ms', 'time/forward_ms', 'parts'],
      ['time/backward_ms', 'time/backward_ms', 'parts'],
      ['time/step_ms', 'total', undefined],
    ]);
    expect(series[0]).toHaveProperty('areaStyle');
    expect(series[3]).not.toHaveProperty('areaStyle');
    expect(series[3]).toMatchObject({ lineStyle: { type: 'dashed' } });
    expect(option.yAxis).toMatchObject({ scale: false });
    const tooltip = option.tooltip as { valueFormatter: (value: unknown) => string };
    expect(tooltip.valueFormatter(12.345)).toBe('12.35 ms');
    const axis = option.yAxis as { axisLabel: { formatter: (value: number) => string } };
    expect(axis.axisLabel.formatter(20)).toBe('20');
    const legend = option.legend as { formatter: (name: string) => string };
    expect(legend.formatter('total')).toBe('total  38');
  });

  it('marks a series of one point (the loss timed once) and draws the others as bare lines', () => {
    const option = buildMetricChartOption(
      [part('time/step_ms', [32, 35, 38]), { name: 'time/loss_ms', steps: [3], values: [4.5] }],
      { format: 'ms' },
    );
    expect(option.series).toEqual([
      expect.objectContaining({ id: 'time/step_ms', showSymbol: false }),
      expect.objectContaining({ id: 'time/loss_ms', showSymbol: true, symbol: 'circle' }),
    ]);
  });

  it('marks every kNN evaluation and reads accuracy in percent', () => {
    const option = buildMetricChartOption(
      [
        { name: 'knn/top1', steps: [0, 32], values: [0.412, 0.6834] },
        { name: 'knn/top5', steps: [0, 32], values: [0.8, 0.95] },
      ],
      { format: 'percent', points: true, labels: { 'knn/top1': 'top-1', 'knn/top5': 'top-5' } },
    );
    expect(option.series).toEqual([
      expect.objectContaining({ id: 'knn/top1', name: 'top-1', showSymbol: true, symbolSize: 6 }),
      expect.objectContaining({ id: 'knn/top5', name: 'top-5', showSymbol: true }),
    ]);
    expect((option.series as Record<string, unknown>[])[0]).not.toHaveProperty('sampling');
    // While the run trains, the axis spans the whole run, not just the evaluations so far.
    const xAxis = buildMetricChartOption([{ name: 'knn/top1', steps: [0], values: [0.4] }], { xMax: 32 })
      .xAxis as { max: (extent: { max: number }) => number };
    expect(xAxis.max({ max: 0 })).toBe(32);
    expect(xAxis.max({ max: 40 })).toBe(40);
    expect(option.xAxis).toMatchObject({ min: 0, max: 'dataMax' });
    expect(option.yAxis).toMatchObject({ scale: true });
    const axis = option.yAxis as { axisLabel: { formatter: (value: number) => string } };
    expect(axis.axisLabel.formatter(0.5)).toBe('50%');
    expect((option.yAxis as { max: (extent: { max: number }) => number }).max({ max: 0.95 })).toBe(1);
    const legend = option.legend as { formatter: (name: string) => string };
    expect(legend.formatter('top-1')).toBe('top-1  68.3%');
  });

  it('writes memory in MB and GB', () => {
    const option = buildMetricChartOption([{ name: 'memory/rss_bytes', steps: [1], values: [1.5e9] }], {
      format: 'bytes',
    });
    const axis = option.yAxis as { axisLabel: { formatter: (value: number) => string } };
    expect(axis.axisLabel.formatter(2.5e8)).toBe('250 MB');
    expect(axis.axisLabel.formatter(1.5e9)).toBe('1.5 GB');
  });
});

describe('number formatting', () => {
  it('formats percentages, bytes and milliseconds', () => {
    expect(formatPercent(0.7234)).toBe('72.3%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatBytes(512_000)).toBe('512 kB');
    expect(formatBytes(87_345_678)).toBe('87.3 MB');
    expect(formatBytes(1_254_000_000)).toBe('1.25 GB');
    expect(formatBytes(12)).toBe('12 B');
    expect(formatValue(3.21, 'ms')).toBe('3.21 ms');
    expect(formatValue(3.21, 'ms', { unit: false })).toBe('3.21');
    expect(formatValue(null, 'ms')).toBe('NaN');
    expect(formatValue(0.25, 'number')).toBe('0.25');
  });

  it('keeps four significant digits and short exponents', () => {
    expect(formatMetric(1.23456)).toBe('1.235');
    expect(formatMetric(8e-4)).toBe('8e-4');
    expect(formatMetric(1.25e-4)).toBe('1.25e-4');
    expect(formatMetric(null)).toBe('NaN');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatResult('durationMs', 5273)).toBe('5s');
    expect(formatResult('lossMs', 8.773058)).toBe('8.77 ms');
    expect(formatResult('steps', 32)).toBe('32');
  });
});
