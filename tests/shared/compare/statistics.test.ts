import { describe, expect, it } from 'vitest';
import { describeSample, studentT975 } from '@shared/compare/statistics';

describe('studentT975', () => {
  it("gives Student's t 0.975 quantile (scipy.stats.t.ppf) for small and large df", () => {
    expect(studentT975(1)).toBeCloseTo(12.7062047, 6);
    expect(studentT975(2)).toBeCloseTo(4.3026527, 6);
    expect(studentT975(9)).toBeCloseTo(2.2621572, 6);
    expect(studentT975(30)).toBeCloseTo(2.0422725, 6);
    // Past the table: the expansion.
    expect(studentT975(31)).toBeCloseTo(2.0395134, 6);
    expect(studentT975(60)).toBeCloseTo(2.0002978, 6);
    expect(studentT975(1000)).toBeCloseTo(1.9623391, 6);
  });

  it('refuses df below 1', () => {
    expect(() => studentT975(0)).toThrow(/df/);
    expect(() => studentT975(2.5)).toThrow(/df/);
  });
});

describe('describeSample', () => {
  it('gives mean, min, max, sample std (n - 1) and the t interval, by hand', () => {
    // Mean 5; squared deviations sum to 32; std = sqrt(32 / 7); CI = t(7) * std / sqrt(8).
    const stats = describeSample([2, 4, 4, 4, 5, 5, 7, 9])!;
    expect(stats.n).toBe(8);
    expect(stats.mean).toBe(5);
    expect(stats.min).toBe(2);
    expect(stats.max).toBe(9);
    expect(stats.std).toBeCloseTo(2.138089935299395, 12);
    expect(stats.ci95).toBeCloseTo(1.7874879182362098, 6);
  });

  it('has no spread for one value, ignores nulls and NaN, and is null for none', () => {
    expect(describeSample([null, 3, Number.NaN])).toEqual({
      n: 1,
      mean: 3,
      min: 3,
      max: 3,
      std: null,
      ci95: null,
    });
    expect(describeSample([null])).toBeNull();
    expect(describeSample([])).toBeNull();
  });
});
