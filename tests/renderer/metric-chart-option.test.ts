import { describe, expect, it } from 'vitest';
import {
  buildMetricChartOption,
  canUseLogScale,
  prefersLogScale,
  valueRange,
} from '../../src-renderer/charts/metric-chart-option';
import { formatMetric, formatResult } from '../../src-renderer/domain/format';

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

describe('number formatting', () => {
  it('keeps four significant digits and short exponents', () => {
    expect(formatMetric(1.23456)).toBe('1.235');
    expect(formatMetric(8e-4)).toBe('8e-4');
    expect(formatMetric(1.25e-4)).toBe('1.25e-4');
    expect(formatMetric(null)).toBe('NaN');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatResult('durationMs', 5273)).toBe('5s');
    expect(formatResult('steps', 32)).toBe('32');
  });
});
