import { describe, expect, it } from 'vitest';
import { smoothColumn, smoothSeries } from '@shared/compare/smoothing';

/**
 * TensorBoard's formula written out (not the recurrence): the debiased EMA of the first t finite
 * points is sum_i w^(t-i) (1-w) x_i / (1 - w^t).
 */
function closedForm(values: number[], weight: number): number[] {
  return values.map((_, t) => {
    let sum = 0;
    for (let i = 0; i <= t; i += 1) sum += weight ** (t - i) * (1 - weight) * values[i]!;
    return sum / (1 - weight ** (t + 1));
  });
}

describe('smoothSeries (TensorBoard debiased EMA)', () => {
  it('matches values computed by hand for weight 0.5', () => {
    // last: 0.5, 1.25, 2.125; debias: 0.5, 0.75, 0.875.
    const smoothed = smoothSeries([1, 2, 3], 0.5);
    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(5 / 3, 12);
    expect(smoothed[2]).toBeCloseTo(2.125 / 0.875, 12);
  });

  it("matches TensorBoard's closed form on a noisy series for weights up to 0.99", () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.exp(-i / 50) + 0.1 * Math.sin(i * 1.7));
    for (const weight of [0.3, 0.6, 0.9, 0.99]) {
      const smoothed = smoothSeries(values, weight);
      closedForm(values, weight).forEach((expected, i) => expect(smoothed[i]).toBeCloseTo(expected, 10));
    }
  });

  it('is not biased towards 0 at the start (the first point is the first value)', () => {
    expect(smoothSeries([10, 12], 0.99)[0]).toBeCloseTo(10, 12);
  });

  it('skips null points: they stay null and do not count in the average or its debiasing', () => {
    const smoothed = smoothSeries([1, null, 2, null, 3], 0.5);
    expect(smoothed[1]).toBeNull();
    expect(smoothed[3]).toBeNull();
    expect([smoothed[0], smoothed[2], smoothed[4]]).toEqual(smoothSeries([1, 2, 3], 0.5));
  });

  it('returns the input for weight 0, and a constant series unchanged (TensorBoard #786)', () => {
    const values = [3, null, 1.5, 7];
    expect(smoothSeries(values, 0)).toEqual(values);
    expect(smoothSeries([0.1, 0.1, 0.1, 0.1], 0.95)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(smoothSeries([], 0.5)).toEqual([]);
  });

  it('does not change its input and refuses a weight outside [0, 1]', () => {
    const values = [1, 2, 3];
    smoothSeries(values, 0.7);
    expect(values).toEqual([1, 2, 3]);
    expect(() => smoothSeries(values, 1.5)).toThrow(/weight/);
    expect(() => smoothSeries(values, Number.NaN)).toThrow(/weight/);
  });

  it('gives the same numbers on a typed column (NaN for missing points) as on an array of nulls', () => {
    const noisy = Array.from({ length: 500 }, (_, i) =>
      i % 37 === 5 ? null : Math.exp(-i / 80) + Math.sin(i),
    );
    const column = Float64Array.from(noisy, (value) => value ?? Number.NaN);
    for (const weight of [0, 0.3, 0.9, 0.99, 1]) {
      const typed = smoothColumn(column, weight);
      smoothSeries(noisy, weight).forEach((expected, i) =>
        expected === null ? expect(typed[i]).toBeNaN() : expect(typed[i]).toBeCloseTo(expected, 12),
      );
    }
    // A constant column is returned as it is; a missing point is never constant; the input stays.
    expect(Array.from(smoothColumn(Float64Array.of(0.1, 0.1, 0.1), 0.95))).toEqual([0.1, 0.1, 0.1]);
    expect(Array.from(smoothColumn(Float64Array.of(Infinity, 2), 0.5))).toEqual([Number.NaN, 2]);
    expect(Array.from(column.slice(0, 3))).toEqual(noisy.slice(0, 3));
    expect(() => smoothColumn(column, -0.1)).toThrow(/weight/);
  });
});
