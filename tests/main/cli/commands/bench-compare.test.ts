import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('bench compare (real process, small sizes)', () => {
  it('times every call after its warm-up through the dispatcher and reports what came back', () => {
    const result = cli([
      'bench',
      'compare',
      '--runs',
      '60',
      '--long-runs',
      '3',
      '--metrics',
      '2',
      '--steps',
      '20000',
      '--points',
      '400',
      '--repeats',
      '3',
      '--warmup',
      '1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim());
    expect(report).toMatchObject({ benchmark: 'compare', runs: 60, longRuns: 3, metrics: 2, steps: 20000 });
    expect(report.results.map((row: { name: string }) => row.name)).toEqual([
      'runs:query',
      'runs:query (filter)',
      'metrics:range',
      'metrics:range (zoom)',
      'compare:rows',
    ]);
    for (const row of report.results) {
      expect(row.warmupMs).toHaveLength(1);
      expect(row.timesMs).toHaveLength(3);
      expect(row.medianMs).toBe(median(row.timesMs));
    }
    expect(report.results[0].detail).toBe('60 runs');
    // 3 runs x 2 metrics reduced to at most ~400 points each, and the spikes' runs kept.
    const range = report.results[2].detail as string;
    const points = Number(/(\d+) points/.exec(range)![1]);
    expect(range).toMatch(/^3x2 series/);
    expect(points).toBeGreaterThan(6 * 100);
    expect(points).toBeLessThanOrEqual(6 * 450);
    expect(report.coldRangePoints).toBe(points);
  });

  it('refuses nonsense sizes with the usage', () => {
    const result = cli(['bench', 'compare', '--runs', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--runs must be an integer from 1 to 2000/);
  });
});
