import { describe, expect, it } from 'vitest';
import {
  activeGapMs,
  levelFor,
  m4Points,
  mergeSummaries,
  PAUSE_GAP_MS,
  reduceM4,
  summarize,
  type RawPoints,
} from '@shared/compare/m4';

/** A deterministic noisy series (a mulberry32 stream), steps 1..count. */
function noisy(count: number, seed = 7): RawPoints {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const steps = Array.from({ length: count }, (_, index) => index + 1);
  return {
    steps,
    values: steps.map((step) => Math.exp(-step / count) + random() * 0.1),
    walls: steps.map((step) => 1_000_000 + step * 100),
  };
}

/** The value at each step of a reduced series, checked against the original. */
function expectSubset(reduced: { steps: number[]; values: (number | null)[] }, raw: RawPoints): void {
  const byStep = new Map(raw.steps.map((step, index) => [step, raw.values[index]]));
  reduced.steps.forEach((step, index) => {
    expect(byStep.has(step)).toBe(true);
    expect(reduced.values[index]).toBe(byStep.get(step));
    if (index > 0) expect(step).toBeGreaterThan(reduced.steps[index - 1]!);
  });
}

describe('M4 reduction', () => {
  it('keeps the first, last, minimum and maximum of every bucket, in step order, once each', () => {
    const raw = noisy(5000);
    for (const level of [1, 3, 6, 9]) {
      const reduced = reduceM4(raw, level);
      expectSubset(reduced, raw);
      const kept = new Set(reduced.steps);
      // Brute force: every bucket's extremes (by value) and ends are among the kept steps.
      const buckets = new Map<number, number[]>();
      raw.steps.forEach((step, index) => {
        const bucket = Math.floor(step / 2 ** level);
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), index]);
      });
      for (const indices of buckets.values()) {
        const values = indices.map((index) => raw.values[index]!);
        const minIndex = indices[values.indexOf(Math.min(...values))]!;
        const maxIndex = indices[values.indexOf(Math.max(...values))]!;
        for (const index of [indices[0]!, indices.at(-1)!, minIndex, maxIndex]) {
          expect(kept.has(raw.steps[index]!)).toBe(true);
        }
      }
      expect(reduced.steps.length).toBeLessThanOrEqual(buckets.size * 4);
    }
  });

  it('keeps every local extreme that a bucket holds (a zig-zag survives point for point)', () => {
    const steps = Array.from({ length: 64 }, (_, index) => index);
    const values = steps.map((step) => (step % 2 === 0 ? 0 : 1));
    // Buckets of 2 hold one low and one high point: nothing may be dropped.
    expect(reduceM4({ steps, values }, 1)).toEqual({ steps, values });
  });

  it('is exact at full zoom (level 0) and the level follows the requested point count', () => {
    const raw = noisy(1000);
    expect(reduceM4(raw, 0)).toEqual({ steps: raw.steps, values: raw.values });
    expect(levelFor(1000, 4000)).toBe(0);
    expect(levelFor(100_000, 2000)).toBe(8); // 500 buckets of 200 steps -> width 2^8
    expect(levelFor(100_000, 2000)).toBeGreaterThan(levelFor(10_000, 2000));
  });

  it('keeps a one-step spike in 100k points at every zoom level', () => {
    const raw = noisy(100_000);
    raw.values[61_234] = 50; // step 61_235
    raw.values[7] = -50; // step 8
    for (let level = 0; level <= 17; level += 1) {
      const reduced = reduceM4(raw, level);
      const at = (step: number) => reduced.values[reduced.steps.indexOf(step)];
      expect(at(61_235)).toBe(50);
      expect(at(8)).toBe(-50);
      expect(reduced.steps.length).toBeLessThanOrEqual(4 * Math.ceil(100_001 / 2 ** level));
    }
  });

  it('never takes a null (NaN) for a minimum or maximum, and keeps an all-null bucket as its ends', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6, 7];
    const values = [null, 3, null, -1, null, null, null, null];
    const buckets = summarize({ steps, values }, 2);
    expect(buckets).toHaveLength(2);
    expect(buckets[0]).toMatchObject({ firstValue: null, minStep: 3, minValue: -1, maxStep: 1, maxValue: 3 });
    expect(buckets[1]).toMatchObject({ count: 4, minStep: null, maxStep: null, firstValue: null });
    expect(m4Points(buckets)).toEqual({
      steps: [0, 1, 3, 4, 7],
      values: [null, 3, -1, null, null],
    });
  });

  it('merges finer summaries into exactly the summaries of the coarser level (the cache relies on it)', () => {
    const raw = noisy(3000);
    raw.values[100] = null;
    raw.walls![2000] = raw.walls![1999]! + PAUSE_GAP_MS * 10; // a pause: later walls shift
    for (let index = 2001; index < raw.walls!.length; index += 1) raw.walls![index]! += PAUSE_GAP_MS * 10;
    const fine = summarize(raw, 4);
    for (const level of [5, 7, 11]) {
      expect(mergeSummaries(fine, level)).toEqual(summarize(raw, level));
      expect(mergeSummaries(mergeSummaries(fine, level - 1), level)).toEqual(summarize(raw, level));
    }
  });

  it('counts the time between steps as training time, except pauses', () => {
    expect(activeGapMs(250)).toBe(250);
    expect(activeGapMs(PAUSE_GAP_MS + 1)).toBe(0);
    expect(activeGapMs(-5)).toBe(0);
    const walls = [0, 100, 200, 200 + PAUSE_GAP_MS * 3, 200 + PAUSE_GAP_MS * 3 + 100];
    const [bucket] = summarize({ steps: [0, 1, 2, 3, 4], values: [1, 1, 1, 1, 1], walls }, 3);
    expect(bucket!.activeMs).toBe(300);
  });
});
