import { describe, expect, it } from 'vitest';
import type { MetricRange, ReducedSeries, RunClock } from '@shared/compare';
import { smoothSeries } from '@shared/compare/smoothing';
import {
  buildCompareChartOption,
  robustRange,
  tooltipHtml,
  type CompareChartSettings,
} from '../../src-renderer/charts/compare-chart-option';
import { stepsToX, xAxisScale, xWindowToSteps } from '../../src-renderer/domain/compare-axes';
import { buildCompareCharts, RUN_PALETTE, type CompareLine } from '../../src-renderer/domain/compare-series';

function reduced(runId: number, name: string, steps: number[], values: (number | null)[]): ReducedSeries {
  return { runId, name, steps, values, totalPoints: steps.length, reduced: false };
}
const clock = (runId: number, msPerStep: number): RunClock => ({
  runId,
  stepsPerEpoch: 10,
  batchSize: 64,
  steps: [0, 100],
  trainingMs: [0, 100 * msPerStep],
});
const SETTINGS: CompareChartSettings = {
  smoothing: 0,
  logY: false,
  ignoreOutliers: false,
  xTitle: 'step',
  axisTitle: 'loss (weighted total)',
  format: 'number',
};

type Series = {
  id: string;
  data?: Float64Array;
  stack?: string;
  lineStyle?: { opacity?: number };
  color?: string;
};
const seriesOf = (option: unknown) => (option as { series: Series[] }).series;
/** A series' x, y pairs (its data is one flat typed array) split into its x and y columns. */
function columnsOf(option: unknown, id: string): { x: number[]; y: number[] } {
  const data = seriesOf(option).find((item) => item.id === id)!.data!;
  expect(data).toBeInstanceOf(Float64Array);
  const pairs = Array.from({ length: data.length / 2 }, (_, index) => [
    data[2 * index]!,
    data[2 * index + 1]!,
  ]);
  return { x: pairs.map(([x]) => x!), y: pairs.map(([, y]) => y!) };
}

const range: MetricRange = {
  series: [
    reduced(5, 'loss', [0, 1, 2, 3], [4, 3, 2, 1]),
    reduced(2, 'loss', [0, 1, 2, 3], [5, 4, 3, 2]),
    reduced(9, 'loss', [0, 1, 2, 3], [6, 5, 4, 3]),
    // Only runs 9 and 5 logged kNN accuracy: their colours must not shift.
    reduced(9, 'knn/top1', [0, 3], [0.2, 0.4]),
    reduced(5, 'knn/top1', [0, 3], [0.1, 0.5]),
  ],
  clocks: [clock(5, 10), clock(2, 20), clock(9, 30)],
};
const names = new Map([
  [5, 'bt seed 1'],
  [2, 'bt seed 2'],
  [9, 'vicreg'],
]);

describe('comparison charts', () => {
  it('gives each run one colour by its place in the comparison, the same on every chart', () => {
    const charts = buildCompareCharts({
      range,
      metrics: ['loss', 'knn/top1', 'memory/rss_bytes'],
      runIds: [5, 2, 9],
      runNames: names,
      scale: xAxisScale('step', range.clocks),
      groups: null,
      band: 'minmax',
    });
    const colorOf = (metric: string, id: string) =>
      charts.find((chart) => chart.metric === metric)!.lines.find((line) => line.id === id)?.color;
    expect(colorOf('loss', 'run:5')).toBe(RUN_PALETTE[0]);
    expect(colorOf('loss', 'run:2')).toBe(RUN_PALETTE[1]);
    expect(colorOf('loss', 'run:9')).toBe(RUN_PALETTE[2]);
    expect(colorOf('knn/top1', 'run:9')).toBe(RUN_PALETTE[2]);
    expect(colorOf('knn/top1', 'run:5')).toBe(RUN_PALETTE[0]);
    // Axis titles carry the unit from the shared metric table; a metric no run logged has no line.
    expect(charts[1]).toMatchObject({ axisTitle: 'accuracy (%)', format: 'percent' });
    expect(charts[2]!.lines).toEqual([]);
    // The option draws each line in its colour, with the line's id on every chart.
    const option = buildCompareChartOption(charts[1]!.lines, SETTINGS);
    expect(seriesOf(option).map((item) => [item.id, item.color])).toEqual([
      ['run:5', RUN_PALETTE[0]],
      ['run:9', RUN_PALETTE[2]],
    ]);
  });

  it('lists every line in the tooltip at its nearest point, highest value first', () => {
    // Runs whose x values never coincide (wall time) are all listed; one that ended before is not.
    const lines: CompareLine[] = [
      {
        id: 'run:1',
        label: 'a',
        color: '#111',
        x: Float64Array.of(0, 1.1, 2),
        y: Float64Array.of(1, 0.2, 0),
      },
      {
        id: 'run:2',
        label: 'b',
        color: '#222',
        x: Float64Array.of(0, 0.9, 2),
        y: Float64Array.of(2, 0.9, 0),
      },
      {
        id: 'run:3',
        label: 'c<script>',
        color: '#333',
        x: Float64Array.of(0, 1.02),
        y: Float64Array.of(3, Number.NaN),
      },
      { id: 'run:4', label: 'short', color: '#444', x: Float64Array.of(0, 0.5), y: Float64Array.of(9, 9) },
    ];
    const drawn = new Map(lines.map((line) => [line.id, { line, values: line.y }]));
    const html = tooltipHtml([{ axisValue: 1 }], drawn, SETTINGS);
    const order = ['>b<', '>a<', '>c&lt;script&gt;<'].map((text) => html.indexOf(text));
    expect(order.every((index) => index > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain('0.9');
    expect(html).toContain('0.2');
    expect(html).toContain('—');
    expect(html).not.toContain('short');
    expect(html).not.toContain('<script>');
  });

  it("smooths with TensorBoard's EMA and keeps the raw line faint behind", () => {
    const y = Float64Array.of(1, 5, 2, 8, Number.NaN, 3);
    const line: CompareLine = {
      id: 'run:1',
      label: 'a',
      color: '#111',
      x: Float64Array.of(0, 1, 2, 3, 4, 5),
      y,
    };
    const plain = buildCompareChartOption([line], SETTINGS);
    expect(seriesOf(plain).map((item) => item.id)).toEqual(['run:1']);
    const option = buildCompareChartOption([line], { ...SETTINGS, smoothing: 0.6 });
    expect(seriesOf(option).map((item) => item.id)).toEqual(['run:1:raw', 'run:1']);
    expect(seriesOf(option)[0]!.lineStyle!.opacity).toBeLessThan(0.5);
    const expected = smoothSeries([1, 5, 2, 8, null, 3], 0.6).map((value) => value ?? Number.NaN);
    expect(columnsOf(option, 'run:1')).toEqual({ x: [0, 1, 2, 3, 4, 5], y: expected });
    expect(columnsOf(option, 'run:1:raw').y).toEqual(Array.from(y));
    // Eleven runs: the raw lines would only blur into grey; the smoothed lines stay.
    const many = Array.from({ length: 11 }, (_, index) => ({ ...line, id: `run:${index}` }));
    const crowded = seriesOf(buildCompareChartOption(many, { ...SETTINGS, smoothing: 0.6 }));
    expect(crowded.map((item) => item.id)).toEqual(many.map((item) => item.id));
    // Evaluations (a few points) are never smoothed.
    const sparse = buildCompareChartOption([line], { ...SETTINGS, smoothing: 0.6, points: true });
    expect(columnsOf(sparse, 'run:1').y).toEqual(Array.from(y));
  });

  it('draws a group as its mean with a band stacked between the chosen bounds', () => {
    const groupRange: MetricRange = {
      series: [
        reduced(1, 'loss', [0, 10], [2, 4]),
        reduced(2, 'loss', [0, 10], [4, 8]),
        reduced(3, 'loss', [0, 10], [1, 1]),
      ],
      clocks: [],
    };
    const build = (band: 'minmax' | 'std' | 'ci95') =>
      buildCompareCharts({
        range: groupRange,
        metrics: ['loss'],
        runIds: [1, 2, 3],
        runNames: new Map(),
        scale: xAxisScale('step', []),
        groups: [
          { key: 'a', label: 'loss.name=bt', runIds: [1, 2] },
          { key: 'b', label: 'loss.name=vicreg', runIds: [3] },
        ],
        band,
      })[0]!.lines;
    const [bt, vicreg] = build('minmax');
    expect(Array.from(bt!.y)).toEqual([3, 6]);
    expect(Array.from(bt!.band!.lower)).toEqual([2, 4]);
    expect(Array.from(bt!.band!.upper)).toEqual([4, 8]);
    expect(bt!.label).toBe('loss.name=bt (n=2)');
    expect(Array.from(vicreg!.band!.lower)).toEqual([1, 1]);
    // ±std of (2, 4) is ±sqrt(2); the 95% CI is t(0.975, 1) * sqrt(2) / sqrt(2) = 12.706.
    expect(build('std')[0]!.band!.upper[0]).toBeCloseTo(3 + Math.SQRT2, 10);
    expect(build('ci95')[0]!.band!.upper[0]).toBeCloseTo(3 + 12.706, 2);

    const option = buildCompareChartOption([bt!], SETTINGS);
    const series = seriesOf(option);
    expect(series.map((item) => item.id)).toEqual(['group:a:lower', 'group:a:band', 'group:a']);
    expect(series[0]!.stack).toBe('group:a');
    expect(series[1]!.stack).toBe('group:a');
    expect(columnsOf(option, 'group:a:band')).toEqual({ x: [0, 10], y: [2, 4] });
    expect(columnsOf(option, 'group:a:lower').y).toEqual([2, 4]);
  });

  it('fits the value axis to the 1st-99th percentile when outliers are ignored', () => {
    const values = Float64Array.from({ length: 1000 }, (_, index) => (index === 500 ? 1e6 : index % 10));
    const [lo, hi] = robustRange([values])!;
    expect(lo).toBeLessThan(0);
    expect(hi).toBeLessThan(20);
    const line: CompareLine = {
      id: 'run:1',
      label: 'a',
      color: '#111',
      x: values.map((_, i) => i),
      y: values,
    };
    const yAxis = (settings: Partial<CompareChartSettings>) =>
      (
        buildCompareChartOption([line], { ...SETTINGS, ...settings }) as {
          yAxis: { max?: number; type: string };
        }
      ).yAxis;
    expect(yAxis({ ignoreOutliers: true }).max).toBeLessThan(20);
    expect(yAxis({}).max).toBeUndefined();
    // A log axis needs positive values: zero falls back to linear.
    expect(yAxis({ logY: true }).type).toBe('value');
    expect(yAxis({ logY: true }).type).toBe('value');
    const positive = { ...line, y: values.map((value) => value + 1) };
    expect(
      (buildCompareChartOption([positive], { ...SETTINGS, logY: true }) as { yAxis: { type: string } }).yAxis
        .type,
    ).toBe('log');
  });

  it('maps steps to epochs, samples and training time, and a zoom window back to steps', () => {
    const clocks = [clock(1, 10), clock(2, 20)];
    expect(Array.from(stepsToX([0, 50, 100], xAxisScale('epoch', clocks), clocks[0]))).toEqual([0, 5, 10]);
    expect(Array.from(stepsToX([0, 50], xAxisScale('samples', clocks), clocks[0]))).toEqual([0, 3200]);
    const time = xAxisScale('wallTime', clocks);
    expect(time.title).toBe('training time (s)');
    expect(Array.from(stepsToX([0, 50, 100], time, clocks[1]))).toEqual([0, 1, 2]);
    // 0.5..1 s covers steps 50..100 of the fast run and 25..50 of the slow one.
    expect(xWindowToSteps([0.5, 1], time, clocks)).toEqual([25, 100]);
    expect(xWindowToSteps([2, 4], xAxisScale('epoch', clocks), clocks)).toEqual([20, 40]);
    expect(xAxisScale('wallTime', [{ ...clocks[0]!, trainingMs: [0, 3_600_000] }]).title).toBe(
      'training time (min)',
    );
  });
});
