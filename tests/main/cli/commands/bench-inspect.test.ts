import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli';

describe('bench inspect (real process, small sizes)', () => {
  it('times every call of the issue targets and the large-d overview with its progress and peak memory', () => {
    const result = cli([
      'bench',
      'inspect',
      '--n',
      '64',
      '--d',
      '1024',
      '--large-d',
      '2048',
      '--repeats',
      '1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { standard, large } = JSON.parse(result.stdout) as {
      standard: Record<string, number>;
      large: Record<string, number | string>;
    };
    for (const figure of [
      'threadAndDecodeMs',
      'overview_cross_Ms',
      'overview_corr1_Ms',
      'overview_cov1_Ms',
      'overviewCachedMemoryMs',
      'overviewCachedDatabaseMs',
      'tile512Ms',
      'summaryMs',
      'pairMs',
      'spectrumMs',
      'metricsMs',
    ])
      expect(standard[figure], figure).toBeGreaterThan(0);
    // A cache hit costs far less than computing.
    expect(standard.overviewCachedMemoryMs!).toBeLessThan(standard.overview_cross_Ms!);
    expect(large).toMatchObject({ n: 64, d: 2048, cells: '512 x 512 of 4 x 4' });
    expect(large.peakRssMiB as number).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/d = 2048 overview: 100% \(\d+\/\d+ bands\)/);
  });
});
