import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '@shared/metrics';
import { buildMetricChartOption } from '../../src-renderer/charts/metric-chart-option';
import { PALETTE, seriesColors } from '../../src-renderer/charts/series-colors';

const series = (name: string): MetricSeries => ({ name, steps: [1, 2], values: [1, 2] });

function colorsOf(names: string[]): Record<string, unknown> {
  const option = buildMetricChartOption(names.map(series));
  const list = option.series as { id: string; color: unknown }[];
  return Object.fromEntries(list.map((item) => [item.id, item.color]));
}

describe('series colours', () => {
  it('follow the name, not the order the series arrived in (on/off-diagonal no longer swap)', () => {
    const first = colorsOf(['loss/onDiagonal', 'loss/offDiagonal']);
    const afterResume = colorsOf(['loss/offDiagonal', 'loss/onDiagonal']);
    expect(afterResume).toEqual(first);
    expect(first['loss/onDiagonal']).toBe(PALETTE.blue);
    expect(first['loss/offDiagonal']).toBe(PALETTE.orange);
  });

  it('give each series of a chart its own colour, unknown names included, whatever their order', () => {
    const names = ['custom/alpha', 'custom/beta', 'custom/gamma', 'loss/invariance', 'loss/varianceZ1'];
    const colors = seriesColors(names);
    expect(new Set(colors.values()).size).toBe(names.length);
    expect(seriesColors([...names].reverse())).toEqual(colors);
    // A name alone gets the same colour on every visit.
    expect(seriesColors(['custom/alpha']).get('custom/alpha')).toBe(
      seriesColors(['custom/alpha']).get('custom/alpha'),
    );
  });

  it('give the memory chart of a webgpu run four fixed, distinct colours', () => {
    const names = ['memory/rss_bytes', 'memory/tfjs_bytes', 'memory/gpu_bytes', 'memory/gpu_allocated_bytes'];
    const colors = seriesColors(names);
    expect(new Set(colors.values()).size).toBe(4);
    expect(colors.get('memory/gpu_bytes')).toBe(PALETTE.green);
    expect(colors.get('memory/gpu_allocated_bytes')).toBe(PALETTE.slate);
  });
});
