import { formatPercent } from '../domain/format';
import { bestKnnCell, type KnnCell } from '../domain/evaluations';
import type { KnnHeatmapOption } from './echarts';

/** Light to dark blue: higher accuracy reads darker. */
export const HEATMAP_COLORS = ['#eef4ff', '#9ec0fa', '#2563eb', '#173f9e'];

/** Above this share of the colour range a cell is dark enough for white text. */
const DARK_CELL = 0.55;

/** One heatmap cell: [k index, temperature index, top-1] plus its look. */
export interface KnnHeatmapCell {
  value: [number, number, number];
  label: { color: string; fontWeight?: 'bold' };
  itemStyle?: { borderColor: string; borderWidth: number };
}

function ascending(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** A temperature as written in the sweep: `0.07`, not `0.07000000000000001`. */
export function formatTemperature(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/**
 * The heatmap of a kNN sweep: k across (ascending), temperature up (ascending), top-1 as the
 * colour and the cell's label. The colour scale spans the grid's own range, since the cells
 * usually differ by a few points only; the best cell is outlined. Cells missing from the grid
 * stay empty.
 */
export function buildKnnHeatmapOption(grid: readonly KnnCell[]): KnnHeatmapOption {
  const ks = ascending(grid.map((cell) => cell.k));
  const temperatures = ascending(grid.map((cell) => cell.temperature));
  const values = grid.map((cell) => cell.top1);
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 1;
  const span = max - min;
  const best = bestKnnCell(grid);
  const byPosition = new Map<string, KnnCell>();

  const data: KnnHeatmapCell[] = grid.map((cell) => {
    const x = ks.indexOf(cell.k);
    const y = temperatures.indexOf(cell.temperature);
    byPosition.set(`${x},${y}`, cell);
    const share = span > 0 ? (cell.top1 - min) / span : 1;
    const isBest = cell === best;
    return {
      value: [x, y, cell.top1],
      label: { color: share > DARK_CELL ? '#ffffff' : '#1c2128', ...(isBest ? { fontWeight: 'bold' } : {}) },
      ...(isBest ? { itemStyle: { borderColor: '#e8590c', borderWidth: 2 } } : {}),
    };
  });

  const axis = {
    type: 'category' as const,
    axisTick: { show: false },
    axisLine: { show: false },
    axisLabel: { color: '#5f6b7a', fontSize: 11 },
    nameTextStyle: { color: '#5f6b7a', fontSize: 11 },
    splitArea: { show: false },
  };

  // Cells are drawn in order: the best one last, so its neighbours' borders do not cover its outline.
  data.sort((a, b) => Number(a.itemStyle !== undefined) - Number(b.itemStyle !== undefined));

  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { ...axis, name: 'k', nameLocation: 'middle', nameGap: 22, data: ks.map(String) },
    yAxis: {
      ...axis,
      name: 'T',
      nameLocation: 'middle',
      nameGap: 36,
      nameRotate: 0,
      data: temperatures.map(formatTemperature),
    },
    visualMap: {
      type: 'continuous',
      show: false,
      dimension: 2,
      min,
      // A flat grid still needs a range to map onto.
      max: span > 0 ? max : min + 1e-9,
      inRange: { color: HEATMAP_COLORS },
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      textStyle: { fontSize: 12 },
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const [x, y] = (item?.value ?? []) as number[];
        const cell = byPosition.get(`${x},${y}`);
        if (!cell) return '';
        const top5 = cell.top5 === undefined ? '' : ` · top-5 ${formatPercent(cell.top5)}`;
        return `k = ${cell.k}, T = ${formatTemperature(cell.temperature)}<br/>top-1 ${formatPercent(cell.top1)}${top5}`;
      },
    },
    series: [
      {
        type: 'heatmap',
        name: 'kNN top-1',
        data,
        label: {
          show: true,
          fontSize: 11,
          formatter: (params) => formatPercent((params.value as number[])[2]),
        },
        itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#1c2128', borderWidth: 1 } },
      },
    ],
  };
}
