import { describe, expect, it } from 'vitest';
import type { RunProgress, RunSummary } from '@shared/runs';
import { RecentStepRate, remainingMs, STALE_PROGRESS_MS, trainingTimeMs } from '@shared/run-progress';

const progress = (overrides: Partial<RunProgress> = {}): RunProgress => ({
  step: 50,
  totalSteps: 100,
  epoch: 1,
  totalEpochs: 2,
  ...overrides,
});

type Timed = Pick<RunSummary, 'status' | 'startedAt' | 'endedAt' | 'progress'>;
const run = (overrides: Partial<Timed>): Timed => ({
  status: 'running',
  startedAt: 1_000,
  endedAt: null,
  progress: null,
  ...overrides,
});

describe('RecentStepRate', () => {
  it('has no estimate before two steps', () => {
    const rate = new RecentStepRate();
    expect(rate.etaMs(100)).toBeUndefined();
    rate.add(10, 0);
    expect(rate.etaMs(100)).toBeUndefined();
  });

  it('after a resume uses only the resumed steps: 11 minutes left, not 2, and not growing', () => {
    // Resumed at step 400 of 1000; the first segment ran at another speed, which must not count.
    // This process does one step per 1.1 s: 600 steps left take 11 minutes.
    const rate = new RecentStepRate();
    const etas: number[] = [];
    for (let step = 401; step <= 420; step += 1) {
      rate.add(step, (step - 401) * 1100);
      if (step > 402) etas.push(rate.etaMs(1000)!);
    }
    expect(etas.at(-1)).toBe(Math.round(1100 * 580));
    // Steady speed, steady finish time: each ETA is the previous one less one step.
    for (let i = 1; i < etas.length; i += 1) expect(etas[i - 1]! - etas[i]!).toBeCloseTo(1100, 6);
  });

  it('follows the recent speed: steps older than the window stop counting', () => {
    const rate = new RecentStepRate(10_000);
    let time = 0;
    for (let step = 1; step <= 20; step += 1) rate.add(step, (time += 100)); // fast: 100 ms/step
    for (let step = 21; step <= 40; step += 1) rate.add(step, (time += 1000)); // then slow: 1 s/step
    expect(rate.msPerStep()).toBeCloseTo(1000, 6);
    expect(rate.etaMs(50)).toBe(10_000);
  });

  it('keeps two samples whatever their age, and says 0 at the end', () => {
    const rate = new RecentStepRate(1000);
    rate.add(1, 0);
    rate.add(2, 60_000); // one very slow step, e.g. an evaluation in between
    expect(rate.msPerStep()).toBe(60_000);
    expect(rate.etaMs(2)).toBe(0);
  });
});

describe('trainingTimeMs', () => {
  it('sums the segments: a run stopped and resumed a day later does not count the day', () => {
    const day = 86_400_000;
    // Segment 1: 0..60 s (reported trainingMs 60 s); resumed a day later, now 30 s into segment 2.
    const resumedReport = progress({ timeMs: day + 25_000, trainingMs: 60_000 + 25_000 });
    expect(trainingTimeMs(run({ startedAt: 0, progress: resumedReport }), day + 30_000)).toBe(90_000);
    // The same run once stopped again: the report is the total, the clock no longer runs.
    const stopped = run({ status: 'stopped', startedAt: 0, endedAt: day + 40_000, progress: resumedReport });
    expect(trainingTimeMs(stopped, day + 99_000)).toBe(85_000);
  });

  it('does not count the pause between the previous report and a resumed worker’s first one', () => {
    const stoppedReport = progress({ timeMs: 60_000, trainingMs: 60_000 });
    // Resumed an hour later, before the new worker has reported: at most STALE_PROGRESS_MS is added.
    const now = 60_000 + 3_600_000;
    expect(trainingTimeMs(run({ status: 'running', progress: stoppedReport }), now)).toBe(
      60_000 + STALE_PROGRESS_MS,
    );
    expect(trainingTimeMs(run({ status: 'queued', progress: stoppedReport }), now)).toBe(60_000);
  });

  it('falls back to the wall time for runs stored before reports carried it', () => {
    expect(trainingTimeMs(run({ startedAt: 1_000, progress: progress() }), 6_000)).toBe(5_000);
    expect(trainingTimeMs(run({ status: 'completed', startedAt: 1_000, endedAt: 4_000 }), 9_000)).toBe(3_000);
    expect(trainingTimeMs(run({ status: 'created', startedAt: null }), 9_000)).toBeNull();
  });
});

describe('remainingMs', () => {
  it('counts the estimate down between reports', () => {
    const report = progress({ etaMs: 60_000, timeMs: 10_000 });
    expect(remainingMs({ status: 'running', progress: report }, 15_000)).toBe(55_000);
    expect(remainingMs({ status: 'running', progress: report }, 90_000)).toBeUndefined(); // stale
  });

  it('is only shown while running', () => {
    const report = progress({ etaMs: 60_000, timeMs: 10_000 });
    for (const status of ['stopped', 'queued', 'completed', 'interrupted'] as const)
      expect(remainingMs({ status, progress: report }, 10_000)).toBeUndefined();
    expect(remainingMs({ status: 'running', progress: progress() }, 10_000)).toBeUndefined();
  });
});
