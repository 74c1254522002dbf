import { describe, expect, it } from 'vitest';
import {
  describeMetric,
  inspectMetric,
  lossTermMetric,
  METRIC,
  METRIC_DEFINITIONS,
  METRIC_GROUPS,
} from '@shared/metrics';

describe('the metric table', () => {
  it('pins the stored names (renaming one orphans the series of older runs)', () => {
    expect(Object.values(METRIC).sort()).toEqual([
      'knn/top1',
      'knn/top5',
      'learning_rate',
      'loss',
      'memory/gpu_allocated_bytes',
      'memory/gpu_bytes',
      'memory/rss_bytes',
      'memory/tensors',
      'memory/tfjs_bytes',
      'probe/train_top1',
      'probe/val_top1',
      'samples_per_second',
      'time/backward_ms',
      'time/data_ms',
      'time/forward_ms',
      'time/loss_ms',
      'time/step_ms',
    ]);
    expect(Object.keys(METRIC_DEFINITIONS).sort()).toEqual(Object.values(METRIC).sort());
  });

  it('gives every name a group, a unit and a label', () => {
    expect(describeMetric('knn/top1')).toMatchObject({ group: 'knn', unit: 'ratio', label: 'top-1' });
    expect(describeMetric('time/step_ms')).toMatchObject({ group: 'step-time', unit: 'ms', label: 'total' });
    expect(describeMetric('time/loss_ms')).toMatchObject({
      group: 'step-time',
      unit: 'ms',
      label: 'loss alone (measured once)',
    });
    expect(describeMetric('memory/rss_bytes')).toMatchObject({ group: 'memory', unit: 'bytes' });
    expect(describeMetric('memory/tensors')).toMatchObject({ group: 'tensors', unit: 'count' });
    expect(describeMetric('learning_rate')).toMatchObject({ group: 'learning-rate', unit: 'number' });
    for (const name of Object.values(METRIC)) {
      const definition = describeMetric(name)!;
      expect(Object.keys(METRIC_GROUPS)).toContain(definition.group);
      expect(definition.label.length).toBeGreaterThan(0);
    }
  });

  it('knows the loss-term and inspector families, and no other name', () => {
    expect(lossTermMetric('offDiagonal')).toBe('loss/offDiagonal');
    expect(describeMetric('loss/offDiagonal')).toMatchObject({
      group: 'loss-terms',
      label: 'offDiagonal',
      unit: 'number',
    });
    expect(inspectMetric('offDiagonalMass')).toBe('inspect/offDiagonalMass');
    expect(describeMetric('inspect/offDiagonalMass')).toMatchObject({ group: 'inspect' });
    for (const name of ['loss/', 'inspect/', 'lr', 'knn/top10', 'grad_norm', 'constructor', '__proto__'])
      expect(describeMetric(name)).toBeUndefined();
  });

  it('says which axis unit each group has', () => {
    expect(METRIC_GROUPS.knn).toMatchObject({ unit: 'ratio', axisTitle: 'accuracy (%)', sparse: true });
    expect(METRIC_GROUPS['loss-terms'].axisTitle).toMatch(/unweighted/);
    expect(METRIC_GROUPS['step-time'].axisTitle).toMatch(/\(ms\)/);
  });
});
