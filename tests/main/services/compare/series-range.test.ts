import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reduceM4, PAUSE_GAP_MS } from '@shared/compare/m4';
import { METRIC, type MetricPoint } from '@shared/metrics';
import { parseRunConfig } from '../../../../src-main/services/runs.service';
import { stepsPerEpochOf } from '../../../../src-main/services/compare/run-clock';
import { reducedSeries, seriesMax, trainingClock } from '../../../../src-main/services/compare/series-range';
import { RunStore } from '../../../../src-main/storage/store';

const COUNT = 100_000;
const SPIKE_STEP = 61_235;
const PAUSE_STEP = 30_000;

/** Steps 1..COUNT, a smooth decay with a one-step spike; 100 ms a step and one 10-minute pause. */
function lossPoints(): MetricPoint[] {
  return Array.from({ length: COUNT }, (_, index) => {
    const step = index + 1;
    const pause = step > PAUSE_STEP ? 10 * PAUSE_GAP_MS : 0;
    return {
      name: METRIC.loss,
      step,
      epoch: Math.ceil(step / 1000),
      value: step === SPIKE_STEP ? 50 : 1 + Math.sin(step / 300) * 0.1 + Math.exp(-step / 20_000),
      wallTimeMs: 1_700_000_000_000 + step * 100 + pause,
    };
  });
}

describe('reduced series from the store', () => {
  let dir: string;
  let store: RunStore;
  let runId: number;
  const raw = (from: number, to: number) => store.metricBuckets.points(runId, METRIC.loss, from, to);
  const range = (fromStep?: number, toStep?: number, points = 2000, canWrite = true) =>
    reducedSeries(store.metricBuckets, {
      runId,
      name: METRIC.loss,
      points,
      canWrite,
      ...(fromStep === undefined ? {} : { fromStep }),
      ...(toStep === undefined ? {} : { toStep }),
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'decorbench-range-'));
    store = RunStore.open(join(dir, 'runs.sqlite'));
    runId = store.runs.create(parseRunConfig({ name: 'long' })).id;
    const points = lossPoints();
    for (let start = 0; start < COUNT; start += 10_000)
      store.metrics.append(runId, points.slice(start, start + 10_000));
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('caches the summaries while the series is written (every 1,024 steps)', () => {
    const filled = (level: number) => store.metricBuckets.filledTo(runId, METRIC.loss, level);
    expect(filled(5)).toBe(Math.floor((COUNT + 1) / 32));
    expect(filled(16)).toBe(1); // one whole bucket of 65,536 steps
  });

  it('reduces 100k points to about the asked count from cached buckets, keeping the spike', () => {
    const series = range();
    expect(series).toMatchObject({ totalPoints: COUNT, reduced: true });
    expect(series.steps.length).toBeGreaterThan(500);
    expect(series.steps.length).toBeLessThanOrEqual(2100);
    expect(series.values[series.steps.indexOf(SPIKE_STEP)]).toBe(50);
    const cached = store.database
      .prepare('SELECT count(*) FROM metric_buckets WHERE run_id = ?')
      .pluck()
      .get(runId);
    expect(cached).toBeGreaterThan(COUNT / 32);
    expect(range()).toEqual(series); // from the cache alone, the same answer
  });

  it('keeps every point that M4 over the raw points keeps, at every zoom, and the spike in every window', () => {
    for (const [from, to] of [
      [1, COUNT],
      [SPIKE_STEP - 40_000, SPIKE_STEP + 3_000],
      [SPIKE_STEP - 5_000, SPIKE_STEP + 5_000],
      [SPIKE_STEP - 700, SPIKE_STEP + 300],
      [SPIKE_STEP - 7, SPIKE_STEP + 3],
      [12_345, 98_765],
    ] as const) {
      const series = range(from, to, 800);
      const points = raw(from, to);
      expect(series.totalPoints).toBe(points.steps.length);
      const kept = new Map(series.steps.map((step, index) => [step, series.values[index]]));
      expect(series.steps[0]).toBe(from);
      expect(series.steps.at(-1)).toBe(to);
      const level = Math.max(0, Math.ceil(Math.log2((to - from + 1) / 200)));
      const bruteForce = reduceM4(points, level);
      bruteForce.steps.forEach((step, index) => expect(kept.get(step)).toBe(bruteForce.values[index]));
      if (from <= SPIKE_STEP && SPIKE_STEP <= to) expect(kept.get(SPIKE_STEP)).toBe(50);
      expect(series.steps.length).toBeLessThanOrEqual(800 + 4 * 2 * 14);
    }
  });

  it('finds the largest value from the cached summaries', () => {
    expect(seriesMax(store.metricBuckets, runId, METRIC.loss, true)).toBe(50);
    expect(seriesMax(store.metricBuckets, runId, METRIC.loss, false)).toBe(50);
    expect(seriesMax(store.metricBuckets, runId, 'nothing', true)).toBeNull();
  });

  it('is exact when the range holds no more points than asked', () => {
    const series = range(SPIKE_STEP - 500, SPIKE_STEP + 499, 1000);
    expect(series.reduced).toBe(false);
    expect({ steps: series.steps, values: series.values }).toEqual(raw(SPIKE_STEP - 500, SPIKE_STEP + 499));
  });

  it('gives the same points from a read-only store, without the cache', () => {
    const series = range(SPIKE_STEP - 5_000, SPIKE_STEP + 5_000, 800, false);
    expect(series.values[series.steps.indexOf(SPIKE_STEP)]).toBe(50);
    expect(series.steps.length).toBeLessThanOrEqual(800);
  });

  it('maps steps to training time with the pause left out', () => {
    const clock = trainingClock(store.metricBuckets, runId, METRIC.loss, 1000, true);
    expect(clock.steps[0]).toBe(1);
    expect(clock.trainingMs[0]).toBe(0);
    expect(clock.steps.at(-1)).toBe(COUNT);
    expect(clock.trainingMs.at(-1)).toBe((COUNT - 2) * 100); // COUNT - 1 gaps, the paused one not counted
    for (let index = 1; index < clock.steps.length; index += 1) {
      expect(clock.trainingMs[index]).toBeGreaterThanOrEqual(clock.trainingMs[index - 1]!);
    }
    expect(clock.steps.length).toBeLessThanOrEqual(1100);
  });

  it('drops cached buckets when points change: a rewind, and a point written out of order', () => {
    range(); // the cache covers the whole series
    store.runs.rewindTo(runId, 50_000 - 7); // mid-bucket: the bucket holding the step must go too
    const stale = 'SELECT count(*) FROM metric_buckets WHERE run_id = ? AND last_step > ?';
    expect(
      store.database
        .prepare(stale)
        .pluck()
        .get(runId, 50_000 - 7),
    ).toBe(0); // no rows left behind
    const rewound = range();
    expect(rewound.totalPoints).toBe(50_000 - 7);
    expect(rewound.steps.at(-1)).toBe(50_000 - 7);
    store.metrics.append(runId, lossPoints().slice(50_000 - 7, 50_000));
    store.metrics.append(
      runId,
      Array.from({ length: 10_000 }, (_, index) => ({
        name: METRIC.loss,
        step: 50_001 + index,
        epoch: 51,
        value: index === 5_554 ? 99 : 7,
        wallTimeMs: 1_800_000_000_000 + index * 100,
      })),
    );
    let series = range();
    expect(series.totalPoints).toBe(60_000);
    expect(series.steps.at(-1)).toBe(60_000);
    expect(series.values[series.steps.indexOf(55_555)]).toBe(99);
    expect(series.values).not.toContain(50);
    store.metrics.append(runId, [{ name: METRIC.loss, step: 20_000, epoch: 20, value: 1000, wallTimeMs: 0 }]);
    series = range();
    expect(series.values[series.steps.indexOf(20_000)]).toBe(1000);
  });

  it('returns sparse series (kNN at a few steps) exactly and an unknown metric as empty', () => {
    const knn = [0, 1000, 50_000, 99_000].map((step, index) => ({
      name: METRIC.knnTop1,
      step,
      epoch: 0,
      value: 0.1 * (index + 1),
      wallTimeMs: 0,
    }));
    store.metrics.append(runId, knn);
    const series = reducedSeries(store.metricBuckets, {
      runId,
      name: METRIC.knnTop1,
      points: 100,
      canWrite: true,
    });
    expect(series).toMatchObject({ steps: [0, 1000, 50_000, 99_000], totalPoints: 4, reduced: false });
    expect(series.values.map((value) => Number(value!.toFixed(2)))).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(
      reducedSeries(store.metricBuckets, { runId, name: 'nothing', points: 100, canWrite: true }),
    ).toMatchObject({ steps: [], totalPoints: 0 });
  });
});

describe('steps per epoch', () => {
  const config = parseRunConfig({ name: 'x', training: { epochs: 10, batchSize: 64 } });
  const progress = (totalSteps: number, totalEpochs: number) => ({
    step: 5,
    totalSteps,
    epoch: 1,
    totalEpochs,
  });

  it('comes from the first step of epoch 2, else the planned steps over the epochs', () => {
    expect(stepsPerEpochOf(config, progress(1560, 10), 157)).toBe(156);
    expect(stepsPerEpochOf(config, progress(1560, 10), null)).toBe(156);
    const capped = parseRunConfig({ name: 'x', training: { epochs: 10, batchSize: 64, maxSteps: 100 } });
    expect(stepsPerEpochOf(capped, progress(100, 1), null)).toBe(100);
    expect(stepsPerEpochOf(config, null, null)).toBe(1);
  });
});
