import { describe, expect, it } from 'vitest';
import { METRIC } from '@shared/metrics';
import { formatMetricValue } from '../../../src-main/cli/format';

describe('metric values on the terminal', () => {
  it('are written in the unit of the shared metric table', () => {
    expect(formatMetricValue(METRIC.knnTop1, 0.6172)).toBe('61.7%');
    expect(formatMetricValue(METRIC.stepMs, 12.345)).toBe('12.3 ms');
    expect(formatMetricValue(METRIC.rssBytes, 36_909_875)).toBe('35.2 MiB');
    expect(formatMetricValue(METRIC.tensors, 41)).toBe('41');
    expect(formatMetricValue(METRIC.samplesPerSecond, 812.26)).toBe('812.3/s');
    expect(formatMetricValue('loss/offDiagonal', 0.5)).toBe('0.5000');
    expect(formatMetricValue('grad_norm', 2)).toBe('2.0000');
  });
});
