import { describe, expect, it } from 'vitest';
import type { LogLine } from '@shared/runs';
import { lastLogId, mergeLogLines } from '../../src-renderer/domain/log-lines';
import { groupMetricNames, metricTitle } from '../../src-renderer/domain/metric-groups';
import { commonLastStep, mergeSeries, mergeSeriesList } from '../../src-renderer/domain/metric-series';

const series = (name: string, steps: number[], values = steps.map((step) => step * 10)) => ({
  name,
  steps,
  values,
});

describe('merging metric series', () => {
  it('appends newer points to new arrays, leaving the old ones untouched', () => {
    const current = series('loss', [1, 2]);
    const merged = mergeSeries(current, series('loss', [3, 4]));
    expect(merged).toEqual(series('loss', [1, 2, 3, 4]));
    expect(current.steps).toEqual([1, 2]);
    expect(merged.steps).not.toBe(current.steps);
  });

  it('merges overlapping or older points by step without duplicates', () => {
    const merged = mergeSeries(series('loss', [2, 4, 6]), series('loss', [1, 2, 3, 7], [-1, -2, -3, -7]));
    expect(merged.steps).toEqual([1, 2, 3, 4, 6, 7]);
    expect(merged.values).toEqual([-1, 20, -3, 40, 60, -7]);
  });

  it('keeps null for values that were not finite', () => {
    expect(mergeSeries(series('loss', [1]), { name: 'loss', steps: [2], values: [null] }).values).toEqual([
      10,
      null,
    ]);
  });

  it('merges a batch into a list by name, returning the same list when nothing is new', () => {
    const list = [series('loss', [1, 2]), series('lr', [1, 2])];
    const next = mergeSeriesList(list, [series('loss', [3]), series('loss/onDiag', [3])]);
    expect(next.map((item) => item.name)).toEqual(['loss', 'lr', 'loss/onDiag']);
    expect(next[1]).toBe(list[1]);
    expect(mergeSeriesList(next, [series('loss', [2])])).toBe(next);
    expect(mergeSeriesList(next, [])).toBe(next);
  });

  it('finds the last step every series has, for an incremental fetch', () => {
    expect(commonLastStep([])).toBe(-1);
    expect(commonLastStep([series('loss', [1, 5]), series('lr', [1, 3])])).toBe(3);
    expect(commonLastStep([series('loss', [1, 5]), series('new', [])])).toBe(-1);
  });
});

describe('merging log lines', () => {
  const line = (id: number): LogLine => ({ id, runId: 1, timeMs: id, level: 'info', message: `line ${id}` });

  it('appends, deduplicates by id, orders and keeps only the newest lines', () => {
    const lines = mergeLogLines([line(1), line(2)], [line(3)], 10);
    expect(lines.map((item) => item.id)).toEqual([1, 2, 3]);
    expect(mergeLogLines(lines, [line(2), line(3)], 10)).toBe(lines);
    expect(mergeLogLines(lines, [line(5), line(4), line(2)], 10).map((item) => item.id)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(mergeLogLines(lines, [line(4), line(5)], 3).map((item) => item.id)).toEqual([3, 4, 5]);
    expect(lastLogId([])).toBe(0);
    expect(lastLogId(lines)).toBe(3);
  });
});

describe('grouping metrics into charts', () => {
  it('puts the loss first, its terms together, the learning rate apart, one chart per other metric', () => {
    const groups = groupMetricNames(['lr', 'loss/offDiag', 'knnTop1', 'loss', 'loss/onDiag', 'invariance']);
    expect(groups.map((group) => [group.id, group.names, group.primary])).toEqual([
      ['loss', ['loss'], true],
      ['loss-terms', ['loss/offDiag', 'loss/onDiag', 'invariance'], false],
      ['learning-rate', ['lr'], false],
      ['metric:knnTop1', ['knnTop1'], false],
    ]);
    expect(groups.map((group) => group.title)).toEqual(['Loss', 'Loss terms', 'Learning rate', 'Knn top1']);
  });

  it("groups the training engine's metrics: kNN, step-time split, throughput, memory", () => {
    const names = [
      'loss',
      'loss/invariance',
      'loss/redundancy',
      'learning_rate',
      'samples_per_second',
      'time/data_ms',
      'time/forward_ms',
      'time/backward_ms',
      'time/step_ms',
      'memory/tfjs_bytes',
      'memory/rss_bytes',
      'memory/tensors',
      'knn/top5',
      'knn/top1',
      'grad_norm',
    ];
    const groups = groupMetricNames(names);
    expect(groups.map((group) => [group.id, group.names])).toEqual([
      ['loss', ['loss']],
      ['knn', ['knn/top1', 'knn/top5']],
      ['loss-terms', ['loss/invariance', 'loss/redundancy']],
      ['learning-rate', ['learning_rate']],
      ['step-time', ['time/data_ms', 'time/forward_ms', 'time/backward_ms', 'time/step_ms']],
      ['throughput', ['samples_per_second']],
      ['memory', ['memory/tfjs_bytes', 'memory/rss_bytes']],
      ['tensors', ['memory/tensors']],
      ['metric:grad_norm', ['grad_norm']],
    ]);
    const byId = new Map(groups.map((group) => [group.id, group]));
    expect(byId.get('knn')).toMatchObject({
      title: 'kNN accuracy',
      format: 'percent',
      points: true,
      labels: { 'knn/top1': 'top-1', 'knn/top5': 'top-5' },
    });
    expect(byId.get('step-time')).toMatchObject({
      format: 'ms',
      stacked: ['time/data_ms', 'time/forward_ms', 'time/backward_ms'],
      labels: { 'time/data_ms': 'data', 'time/step_ms': 'total' },
    });
    expect(byId.get('memory')).toMatchObject({ format: 'bytes' });
    expect(byId.get('loss-terms')?.labels).toEqual({
      'loss/invariance': 'invariance',
      'loss/redundancy': 'redundancy',
    });
    expect(groups.filter((group) => group.primary).map((group) => group.id)).toEqual(['loss']);
    expect(groupMetricNames(['loss', 'probe/val_top1', 'probe/train_top1'])[1]).toMatchObject({
      id: 'probe',
      names: ['probe/train_top1', 'probe/val_top1'],
      format: 'percent',
      points: true,
      labels: { 'probe/train_top1': 'train top-1', 'probe/val_top1': 'held-out top-1' },
    });
    // Only some timings: nothing to stack, still one chart in milliseconds.
    expect(groupMetricNames(['loss', 'time/step_ms'])[1]).toMatchObject({
      id: 'step-time',
      names: ['time/step_ms'],
      format: 'ms',
    });
    expect(groupMetricNames(['loss', 'time/step_ms'])[1]?.stacked).toBeUndefined();
  });

  it('falls back to another loss-like series as the main chart, and to none', () => {
    expect(groupMetricNames(['trainLoss', 'lr'])[0]).toMatchObject({ names: ['trainLoss'], primary: true });
    expect(groupMetricNames([])).toEqual([]);
    // A run that failed before its first step: the initial kNN stays in its own chart.
    expect(groupMetricNames(['knn/top1', 'knn/top5']).map((group) => [group.id, group.primary])).toEqual([
      ['knn', false],
    ]);
  });
});

describe('metric titles', () => {
  it('reads names in snake, camel or path case', () => {
    expect(metricTitle('step_time_ms')).toBe('Step time (ms)');
    expect(metricTitle('samples_per_second')).toBe('Samples per second');
    expect(metricTitle('knnTop1')).toBe('Knn top1');
    expect(metricTitle('eval/accuracy')).toBe('Eval accuracy');
  });
});
