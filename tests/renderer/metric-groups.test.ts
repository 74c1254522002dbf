import { describe, expect, it } from 'vitest';
import { describeMetric, METRIC, METRIC_GROUPS } from '@shared/metrics';
import { buildMetricChartOption } from '../../src-renderer/charts/metric-chart-option';
import { groupMetricNames } from '../../src-renderer/domain/metric-groups';

describe('charts from the shared metric table', () => {
  it("take each known name's group, unit, axis title and label from the table", () => {
    const names = [...Object.values(METRIC), 'loss/offDiagonal', 'inspect/offDiagonalMass'];
    const groups = groupMetricNames(names);
    expect(groups.map((group) => group.id)).toEqual(Object.keys(METRIC_GROUPS));
    for (const group of groups) {
      const table = METRIC_GROUPS[group.id as keyof typeof METRIC_GROUPS];
      expect(group.axisTitle).toBe(table.axisTitle);
      for (const name of group.names) {
        expect(describeMetric(name)?.group).toBe(group.id);
        if (!group.primary) expect(group.labels?.[name]).toBe(describeMetric(name)?.label);
      }
    }
    const byId = new Map(groups.map((group) => [group.id, group]));
    expect(byId.get('knn')).toMatchObject({ format: 'percent', points: true, axisTitle: 'accuracy (%)' });
    expect(byId.get('throughput')?.labels).toEqual({ samples_per_second: 'samples/s' });
    expect(byId.get('inspect')).toMatchObject({ title: 'Decorrelation', names: ['inspect/offDiagonalMass'] });
  });

  it('keeps names outside the table in charts of their own, and no axis title for them', () => {
    expect(groupMetricNames(['loss', 'grad_norm'])[1]).toEqual({
      id: 'metric:grad_norm',
      title: 'Grad norm',
      names: ['grad_norm'],
      primary: false,
    });
  });
});

describe('the axis title of a chart', () => {
  it("is the shared table's, beside the tick labels and inside the chart's box", () => {
    const knn = groupMetricNames(['loss', METRIC.knnTop1]).find((group) => group.id === 'knn')!;
    const series = [{ name: METRIC.knnTop1, steps: [0, 10], values: [0.4, 0.6] }];
    const option = buildMetricChartOption(series, { format: knn.format, axisTitle: knn.axisTitle });
    expect(option.yAxis).toMatchObject({
      name: 'accuracy (%)',
      nameLocation: 'middle',
      nameMoveOverlap: true,
    });
    expect(option.grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'all' });
    expect(buildMetricChartOption(series).yAxis).not.toHaveProperty('name');
  });
});
