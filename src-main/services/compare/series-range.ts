import {
  activeGapMs,
  levelFor,
  m4Points,
  reduceM4,
  summarize,
  type BucketSummary,
  type Points,
} from '@shared/compare/m4';
import type { ReducedSeries } from '@shared/compare';
import { BASE_LEVEL, type MetricBucketsRepository } from '../../storage/metric-buckets.repo';

/** A piece of a step range: cached buckets of one level, or points read one by one. */
type Part = { level: number; first: number; last: number } | { from: number; to: number };

/**
 * Covers [from, to] with the fewest pieces: whole cached buckets of `level` in the middle and,
 * at the edges (and past the cached buckets), buckets of finer levels, down to single points.
 * At most one partial bucket per level and side is refined, so the pieces stay few.
 */
function cover(from: number, to: number, level: number, filled: (level: number) => number): Part[] {
  if (from > to) return [];
  if (level < BASE_LEVEL) return [{ from, to }];
  const width = 2 ** level;
  const first = Math.ceil(from / width);
  const last = Math.min(Math.floor((to + 1) / width) - 1, filled(level) - 1);
  if (first > last) return cover(from, to, level - 1, filled);
  return [
    ...cover(from, first * width - 1, level - 1, filled),
    { level, first, last },
    ...cover((last + 1) * width, to, level - 1, filled),
  ];
}

/** The summaries of [from, to] at about `level` (finer at the edges), from the cache where it can. */
function summariesOf(
  repo: MetricBucketsRepository,
  runId: number,
  name: string,
  from: number,
  to: number,
  level: number,
  lastStep: number,
  canWrite: boolean,
  /** Whether the wall and training times are needed (the clock), or the values only (charts). */
  withTimes = false,
): BucketSummary[] {
  if (canWrite) repo.fill(runId, name, level, lastStep);
  const filled = new Map<number, number>();
  const filledTo = (at: number): number => {
    if (!filled.has(at)) filled.set(at, repo.filledTo(runId, name, at));
    return filled.get(at)!;
  };
  const result: BucketSummary[] = [];
  for (const part of cover(from, to, level, filledTo)) {
    if ('level' in part) {
      result.push(...repo.buckets(runId, name, part.level, part.first, part.last, withTimes));
    }
    // Points outside whole buckets are their own buckets (level 0): kept exactly.
    else result.push(...summarize(repo.points(runId, name, part.from, part.to, true), 0));
  }
  return result;
}

export interface RangeRequest {
  runId: number;
  name: string;
  fromStep?: number;
  toStep?: number;
  points: number;
  /** False for a store opened read-only: reduce from the points without caching buckets. */
  canWrite: boolean;
}

/**
 * One series between fromStep and toStep, reduced to at most about `points` points with M4, or
 * every point when the range holds no more than `points`.
 */
export function reducedSeries(repo: MetricBucketsRepository, request: RangeRequest): ReducedSeries {
  const { runId, name, points } = request;
  const empty: ReducedSeries = { runId, name, steps: [], values: [], totalPoints: 0, reduced: false };
  const extent = repo.extent(runId, name);
  if (!extent) return empty;
  const from = Math.max(request.fromStep ?? extent.first, extent.first);
  const to = Math.min(request.toStep ?? extent.last, extent.last);
  if (from > to) return empty;
  const level = levelFor(to - from + 1, points);
  const exact = (): ReducedSeries => {
    const all = repo.points(runId, name, from, to);
    return { runId, name, ...all, totalPoints: all.steps.length, reduced: false };
  };
  if (level < BASE_LEVEL || !request.canWrite) {
    // At most 4 * points steps (or a read-only store): the points themselves, reduced here.
    const all = repo.points(runId, name, from, to);
    if (all.steps.length <= points)
      return { runId, name, ...all, totalPoints: all.steps.length, reduced: false };
    return { runId, name, ...reduceM4(all, level), totalPoints: all.steps.length, reduced: true };
  }
  const summaries = summariesOf(repo, runId, name, from, to, level, extent.last, request.canWrite);
  const totalPoints = summaries.reduce((sum, bucket) => sum + bucket.count, 0);
  // A sparse series (kNN every epoch) holds fewer points than asked: all of them, exactly.
  if (totalPoints <= points) return exact();
  const reduced: Points = m4Points(summaries);
  return { runId, name, ...reduced, totalPoints, reduced: true };
}

/**
 * A run's clock: training time since its first step at about `points` steps, from the wall times
 * of `name` (a metric logged every step), pauses between segments left out.
 */
export function trainingClock(
  repo: MetricBucketsRepository,
  runId: number,
  name: string,
  points: number,
  canWrite: boolean,
): { steps: number[]; trainingMs: number[] } {
  const clock = { steps: [] as number[], trainingMs: [] as number[] };
  const extent = repo.extent(runId, name);
  if (!extent) return clock;
  // Two points per bucket (its first and last step): about half as many as a series gets, plenty
  // for a line that is nearly straight.
  const level = levelFor(extent.last - extent.first + 1, points);
  const summaries =
    level < BASE_LEVEL || !canWrite
      ? summarize(repo.points(runId, name, extent.first, extent.last, true), canWrite ? 0 : level)
      : summariesOf(repo, runId, name, extent.first, extent.last, level, extent.last, canWrite, true);
  let elapsed = 0;
  let previous: BucketSummary | undefined;
  const push = (step: number, ms: number) => {
    if (clock.steps.at(-1) === step) return;
    clock.steps.push(step);
    clock.trainingMs.push(Math.round(ms));
  };
  for (const bucket of summaries) {
    if (previous) elapsed += activeGapMs(bucket.firstWall - previous.lastWall);
    push(bucket.firstStep, elapsed);
    elapsed += bucket.activeMs;
    push(bucket.lastStep, elapsed);
    previous = bucket;
  }
  return clock;
}

/**
 * The largest value of a series (e.g. peak memory) from its cached summaries: a few dozen
 * bucket rows instead of every point. Null when the series has no finite value.
 */
export function seriesMax(
  repo: MetricBucketsRepository,
  runId: number,
  name: string,
  canWrite: boolean,
): number | null {
  const extent = repo.extent(runId, name);
  if (!extent) return null;
  const level = Math.max(BASE_LEVEL, levelFor(extent.last - extent.first + 1, 256));
  const summaries = summariesOf(repo, runId, name, extent.first, extent.last, level, extent.last, canWrite);
  let max: number | null = null;
  for (const bucket of summaries) {
    if (bucket.maxValue !== null && (max === null || bucket.maxValue > max)) max = bucket.maxValue;
  }
  return max;
}
