import { describe, expect, it } from 'vitest';
import {
  buildKnnHeatmapOption,
  formatTemperature,
  type KnnHeatmapCell,
} from '../../src-renderer/charts/knn-heatmap-option';

const KS = [1, 5, 10, 20, 50, 100, 200];
const TEMPERATURES = [0.02, 0.07, 0.1, 0.2, 0.5];

/** The backend's sweep, cells in its order (k outer, temperature inner), best at k = 20, T = 0.07. */
function sweep() {
  return KS.flatMap((k) =>
    TEMPERATURES.map((temperature) => ({
      k,
      temperature,
      top1: k === 20 && temperature === 0.07 ? 0.74 : 0.5 + k / 2000 + temperature / 20,
      top5: 0.9,
    })),
  );
}

type Axis = { data: string[] };
type Series = { data: KnnHeatmapCell[]; label: { formatter: (params: { value: unknown }) => string } };

describe('the kNN heatmap option', () => {
  it('puts k across and temperature up, in ascending order, with top-1 as the value', () => {
    const grid = sweep().reverse();
    const option = buildKnnHeatmapOption(grid);
    expect((option.xAxis as Axis).data).toEqual(['1', '5', '10', '20', '50', '100', '200']);
    expect((option.yAxis as Axis).data).toEqual(['0.02', '0.07', '0.1', '0.2', '0.5']);
    const series = (option.series as Series[])[0]!;
    expect(series.data).toHaveLength(35);
    const cell = series.data.find((item) => item.value[0] === 3 && item.value[1] === 1);
    expect(cell?.value[2]).toBe(0.74);
    expect(series.label.formatter({ value: cell?.value })).toBe('74%');
  });

  it('scales the colours to the grid’s range and outlines the best cell', () => {
    const option = buildKnnHeatmapOption(sweep());
    const visualMap = option.visualMap as { min: number; max: number; dimension: number };
    expect(visualMap.dimension).toBe(2);
    expect(visualMap.min).toBeCloseTo(0.5015, 4);
    expect(visualMap.max).toBe(0.74);
    const cells = (option.series as Series[])[0]!.data;
    const outlined = cells.filter((item) => item.itemStyle);
    expect(outlined.map((item) => item.value)).toEqual([[3, 1, 0.74]]);
    // Drawn last, so no neighbour's border covers the outline.
    expect(cells.at(-1)).toBe(outlined[0]);
    // The darkest cells get white text, the lightest dark text.
    expect(outlined[0]?.label.color).toBe('#ffffff');
    expect(cells.find((item) => item.value[0] === 0 && item.value[1] === 0)?.label.color).toBe('#1c2128');
  });

  it('copes with a flat grid, missing cells and an empty grid', () => {
    const flat = buildKnnHeatmapOption([
      { k: 1, temperature: 0.1, top1: 0.5 },
      { k: 5, temperature: 0.2, top1: 0.5 },
    ]);
    const visualMap = flat.visualMap as { min: number; max: number };
    expect(visualMap.max).toBeGreaterThan(visualMap.min);
    // Missing cells stay empty; of equal cells the smaller k is the best (drawn last).
    expect((flat.series as Series[])[0]!.data.map((item) => item.value)).toEqual([
      [1, 1, 0.5],
      [0, 0, 0.5],
    ]);
    expect((buildKnnHeatmapOption([]).series as Series[])[0]!.data).toEqual([]);
  });

  it('names the cell under the pointer in the tooltip', () => {
    const option = buildKnnHeatmapOption(sweep());
    const formatter = (option.tooltip as { formatter: (params: unknown) => string }).formatter;
    expect(formatter({ value: [3, 1, 0.74] })).toBe('k = 20, T = 0.07<br/>top-1 74% · top-5 90%');
    expect(formatter({ value: [9, 9, 0] })).toBe('');
    expect(formatTemperature(0.07000000000000001)).toBe('0.07');
  });
});
