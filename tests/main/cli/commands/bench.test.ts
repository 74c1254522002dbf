import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('the benchmarks time only after warm-up (real process, small sizes)', () => {
  it('bench loss: the median and min are over the timed passes, not the warm-up ones', () => {
    const result = cli([
      'bench',
      'loss',
      '--n',
      '32',
      '--d',
      '64',
      '--losses',
      'bt,fft-bt',
      '--b',
      'd',
      '--reps',
      '3',
      '--warmup',
      '2',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.loss)).toEqual(['bt', 'fft-bt']);
    for (const line of lines) {
      expect(line).toMatchObject({ repetitions: 3, warmup: 2 });
      expect(line.timesMs).toHaveLength(3);
      expect(line.warmupMs).toHaveLength(2);
      expect(line.medianMs).toBe(median(line.timesMs));
      expect(line.minMs).toBe(Math.min(...line.timesMs));
      expect(line.peakBytes).toBeGreaterThanOrEqual(0);
      // Measured from the warmed-up process: far below the first pass's heap growth.
      expect(line.peakBytes).toBeLessThan(64 * 1024 ** 2);
    }
    expect(cli(['bench', 'loss', '--warmup=-1']).stderr).toMatch(/--warmup must be a non-negative integer/);
  });

  it('bench train: reports its timed steps apart from the warm-up steps', () => {
    const result = cli([
      'bench',
      'train',
      '--preset',
      'smoke',
      '--synthetic',
      '--steps',
      '2',
      '--warmup',
      '1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const row = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(row).toMatchObject({ benchmark: 'train', steps: 2, warmupSteps: 1 });
    expect(row.minStepMs).toBeLessThanOrEqual(row.medianStepMs);
    expect(cli(['bench', 'train', '--warmup', 'x']).stderr).toMatch(
      /--warmup must be a non-negative integer/,
    );
  });
});
