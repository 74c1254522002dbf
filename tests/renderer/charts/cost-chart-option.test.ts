import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import {
  buildCostChartOption,
  costChartCurves,
  costChartMarks,
  legendLabel,
} from '../../../src-renderer/charts/cost-chart-option';
import { costDetail, costPoint, costSettings } from '../cost-fixtures';

const dims = [64, 128, 256];
const study = costDetail({
  points: [
    ...dims.map((d) => costPoint({ loss: 'bt', d, medianMs: d * d * 1e-4 })),
    ...dims.map((d) => costPoint({ loss: 'fft-bt', d, medianMs: d * 1e-2 })),
  ],
  fits: [
    { series: 'bt', kind: 'loss', measure: 'time', slope: 2.01, r2: 0.99, points: 3 },
    { series: 'fft-bt b=d', kind: 'loss', measure: 'time', slope: 1.08, r2: 0.98, points: 3 },
  ],
  crossovers: [
    { relaxed: 'fft-bt b=d', exact: 'bt', measure: 'time', d: 1437, note: '' },
    { relaxed: 'fft-bt b=d', exact: 'bt', measure: 'memory', d: null, note: 'never cheaper up to d = 256' },
  ],
});

const lines = (series: unknown) =>
  (series as (LineSeriesOption | ScatterSeriesOption)[]).filter((item) => item.type === 'line');

describe('the cost chart option', () => {
  it('draws one line per curve on log-log axes, the slope in the legend', () => {
    const curves = costChartCurves(study, [], 'time');
    expect(curves.map((curve) => [curve.name, curve.slope, curve.dashed])).toEqual([
      ['BT', 2.01, false],
      ['sBT b=d', 1.08, false],
    ]);
    const option = buildCostChartOption(curves, 'time');
    expect(option.xAxis).toMatchObject({ type: 'log', logBase: 2, min: 64, max: 256 });
    expect(option.yAxis).toMatchObject({ type: 'log' });
    const drawn = lines(option.series);
    expect(drawn.map((line) => line.name)).toEqual(['BT', 'sBT b=d']);
    expect(drawn[0]!.data).toEqual([
      { value: [64, 64 * 64 * 1e-4], text: expect.stringContaining('ms') },
      { value: [128, 128 * 128 * 1e-4], text: expect.any(String) },
      { value: [256, 256 * 256 * 1e-4], text: expect.any(String) },
    ]);
    expect((option.legend as { data: string[] }).data).toEqual(['BT', 'sBT b=d']);
    expect(curves.map(legendLabel)).toEqual(['BT · slope 2.01', 'sBT b=d · slope 1.08']);
    expect(legendLabel({ name: 'sBT b=d', slope: null })).toBe('sBT b=d');
    // A curve the reader switched off stays off when a point arrives and the option is rebuilt.
    const hidden = buildCostChartOption(curves, 'time', [], new Set(['BT']));
    expect(hidden.legend).toMatchObject({ show: false, selected: { BT: false } });
  });

  it('marks points out of memory with a cross above the measured ones, named as their curve', () => {
    const oom = costDetail({
      points: [
        costPoint({ loss: 'bt', d: 64, medianMs: 2, peakBytes: 5e6 }),
        costPoint({ loss: 'bt', d: 128, medianMs: 8, peakBytes: 2e7 }),
        costPoint({
          loss: 'bt',
          d: 256,
          status: 'oom',
          medianMs: null,
          minMs: null,
          maxMs: null,
          peakBytes: null,
          message: 'buffer of 4.3 GB over the limit <2 GB>',
        }),
      ],
    });
    const curves = costChartCurves(oom, [], 'memory');
    const option = buildCostChartOption(curves, 'memory');
    const series = option.series as (LineSeriesOption | ScatterSeriesOption)[];
    const line = series.find((item) => item.type === 'line')!;
    expect((line.data as unknown[]).length).toBe(2);
    const cross = series.find((item) => item.type === 'scatter')!;
    expect(cross.name).toBe('BT');
    const [datum] = cross.data as { value: [number, number]; text: string }[];
    expect(datum!.value).toEqual([256, 2e7 * 1.6]);
    expect(datum!.text).toContain('out of memory');
    // The message is shown as text, not as markup.
    expect(datum!.text).toContain('&#60;2 GB&#62;');
    const tooltip = option.tooltip as { formatter: (params: unknown) => string };
    expect(tooltip.formatter({ seriesName: 'BT', data: datum, componentType: 'series' })).toContain(
      'd = 256: out of memory',
    );
  });

  it('marks the crossover d of its measure, and draws overlaid studies dashed with their environment', () => {
    const other = costDetail({
      id: 2,
      settings: costSettings({ backend: 'webgpu' }),
      environment: { ...study.environment!, hostname: 'gpu-box', backend: 'webgpu', device: 'NVIDIA H200' },
      points: dims.map((d) => costPoint({ loss: 'fft-bt', d, medianMs: d * 1e-3 })),
    });
    const curves = costChartCurves(study, [other], 'time');
    const overlay = curves.find((curve) => curve.dashed)!;
    expect(overlay.name).toBe('sBT b=d · gpu-box · webgpu · NVIDIA H200');
    // The same curve keeps its colour in an overlay.
    expect(overlay.color).toBe(curves.find((curve) => curve.name === 'sBT b=d')!.color);

    const marks = costChartMarks(study.crossovers, curves, 'time');
    expect(marks).toEqual([
      { d: 1437, label: 'sBT b=d cheaper than BT from d ≈ 1400', color: overlay.color },
    ]);
    expect(costChartMarks(study.crossovers, curves, 'memory')).toEqual([]);
    const option = buildCostChartOption(curves, 'time', marks);
    const series = option.series as LineSeriesOption[];
    expect(series.find((item) => item.id === '2:loss:fft-bt b=d')!.lineStyle).toMatchObject({
      type: 'dashed',
    });
    const mark = series.find((item) => item.id === 'crossovers')!.markLine as { data: { xAxis: number }[] };
    expect(mark.data.map((item) => item.xAxis)).toEqual([1437]);
    // The crossover series is not a curve: the legend leaves it out.
    expect((option.legend as { data: string[] }).data).not.toContain('crossovers');
  });
});

describe('the training step charts', () => {
  it('keeps the step curves and their crossovers apart from the loss ones, in the same colours', () => {
    const withSteps = costDetail({
      settings: costSettings({ step: { backbone: 'mlp' } }),
      points: dims.flatMap((d) => [
        costPoint({ loss: 'bt', d }),
        costPoint({ loss: 'fft-bt', d }),
        costPoint({ loss: 'bt', d, kind: 'step', peakBytes: null }),
        costPoint({ loss: 'fft-bt', d, kind: 'step', peakBytes: null }),
      ]),
      crossovers: [
        { relaxed: 'fft-bt b=d', exact: 'bt', measure: 'time', d: 100, note: '' },
        { relaxed: 'fft-bt b=d step', exact: 'bt step', measure: 'time', d: 200, note: '' },
      ],
    });
    const loss = costChartCurves(withSteps, [], 'time');
    const step = costChartCurves(withSteps, [], 'time', 'step');
    expect(loss.map((curve) => curve.name)).toEqual(['BT', 'sBT b=d']);
    expect(step.map((curve) => [curve.name, curve.step])).toEqual([
      ['BT step', true],
      ['sBT b=d step', true],
    ]);
    expect(step.map((curve) => curve.color)).toEqual(loss.map((curve) => curve.color));
    expect(costChartMarks(withSteps.crossovers, loss, 'time').map((mark) => mark.d)).toEqual([100]);
    const stepMarks = costChartMarks(withSteps.crossovers, step, 'time', 'step');
    expect(stepMarks).toEqual([
      { d: 200, label: 'sBT b=d step cheaper than BT step from d ≈ 200', color: step[1]!.color },
    ]);
    const lineOf = (option: ReturnType<typeof buildCostChartOption>) =>
      (option.series as LineSeriesOption[]).find((item) => item.id === 'crossovers')!.markLine as {
        data: { label: { show: boolean } }[];
      };
    expect(lineOf(buildCostChartOption(step, 'time', stepMarks)).data[0]!.label.show).toBe(true);
    // Marks closer than a factor 2 would overlap beside their lines: the list under the chart names them.
    const apart = [...stepMarks, { ...stepMarks[0]!, d: 400 }];
    expect(lineOf(buildCostChartOption(step, 'time', apart)).data[1]!.label.show).toBe(true);
    const close = [...stepMarks, { ...stepMarks[0]!, d: 300 }];
    expect(lineOf(buildCostChartOption(step, 'time', close)).data[0]!.label.show).toBe(false);
  });
});
