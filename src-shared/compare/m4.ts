/**
 * M4 reduction of metric series (Jugel et al., "M4: A Visualization-Oriented Time Series Data
 * Aggregation", VLDB 2014): per bucket of steps the first, last, minimum and maximum points, in
 * step order. A line drawn through them covers the same pixels as the full series at that
 * resolution, so no spike is lost, unlike reservoir sampling (TensorBoard) or a fixed point cap.
 *
 * Buckets are aligned to powers of two (bucket = floor(step / 2^level)) so that summaries of one
 * level merge exactly into the next; the store caches them (storage/metric-buckets.repo.ts).
 */

/** One bucket's summary. `min*`/`max*` are null when every value in the bucket is null (NaN). */
export interface BucketSummary {
  bucket: number;
  count: number;
  firstStep: number;
  firstValue: number | null;
  firstWall: number;
  lastStep: number;
  lastValue: number | null;
  lastWall: number;
  minStep: number | null;
  minValue: number | null;
  maxStep: number | null;
  maxValue: number | null;
  /** Training time from the first point to the last, pauses between segments left out. */
  activeMs: number;
}

/** Columnar points, as the store reads them. `walls`: wall time of each point (Unix ms). */
export interface RawPoints {
  steps: number[];
  values: (number | null)[];
  walls?: number[];
}

export interface Points {
  steps: number[];
  values: (number | null)[];
}

/**
 * A gap between two consecutive steps longer than this is a pause (a stop and a later resume, or
 * the host asleep), not training. One minute, as for the training time of a run's progress
 * (STALE_PROGRESS_MS): an evaluation longer than that counts as a pause too.
 */
export const PAUSE_GAP_MS = 60_000;

/** The training time between two consecutive points `deltaMs` apart. */
export function activeGapMs(deltaMs: number): number {
  return deltaMs > PAUSE_GAP_MS || deltaMs < 0 ? 0 : deltaMs;
}

export const bucketOf = (step: number, level: number): number => Math.floor(step / 2 ** level);

/** Summarises points (in step order) into buckets of 2^level steps. */
export function summarize(points: RawPoints, level: number): BucketSummary[] {
  const { steps, values, walls } = points;
  const result: BucketSummary[] = [];
  let current: BucketSummary | undefined;
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index]!;
    const value = values[index] ?? null;
    const wall = walls?.[index] ?? 0;
    const bucket = bucketOf(step, level);
    if (!current || current.bucket !== bucket) {
      current = {
        bucket,
        count: 0,
        firstStep: step,
        firstValue: value,
        firstWall: wall,
        lastStep: step,
        lastValue: value,
        lastWall: wall,
        minStep: null,
        minValue: null,
        maxStep: null,
        maxValue: null,
        activeMs: 0,
      };
      result.push(current);
    } else {
      current.activeMs += activeGapMs(wall - current.lastWall);
      current.lastStep = step;
      current.lastValue = value;
      current.lastWall = wall;
    }
    current.count += 1;
    if (value !== null) {
      if (current.minValue === null || value < current.minValue) {
        current.minValue = value;
        current.minStep = step;
      }
      if (current.maxValue === null || value > current.maxValue) {
        current.maxValue = value;
        current.maxStep = step;
      }
    }
  }
  return result;
}

/** Merges summaries (in step order) of a finer level into buckets of 2^level steps. */
export function mergeSummaries(children: readonly BucketSummary[], level: number): BucketSummary[] {
  const result: BucketSummary[] = [];
  let current: BucketSummary | undefined;
  for (const child of children) {
    const bucket = bucketOf(child.firstStep, level);
    if (!current || current.bucket !== bucket) {
      current = { ...child, bucket };
      result.push(current);
      continue;
    }
    current.activeMs += activeGapMs(child.firstWall - current.lastWall) + child.activeMs;
    current.count += child.count;
    current.lastStep = child.lastStep;
    current.lastValue = child.lastValue;
    current.lastWall = child.lastWall;
    // Ties keep the earlier point, as `summarize` does.
    if (child.minValue !== null && (current.minValue === null || child.minValue < current.minValue)) {
      current.minValue = child.minValue;
      current.minStep = child.minStep;
    }
    if (child.maxValue !== null && (current.maxValue === null || child.maxValue > current.maxValue)) {
      current.maxValue = child.maxValue;
      current.maxStep = child.maxStep;
    }
  }
  return result;
}

/** The M4 points of summaries: each bucket's first, minimum, maximum and last, in step order, once each. */
export function m4Points(
  buckets: readonly BucketSummary[],
  into: Points = { steps: [], values: [] },
): Points {
  const push = (step: number, value: number | null) => {
    // Points come in step order; one that is two of the four (first and minimum) goes in once.
    if (into.steps.length > 0 && into.steps[into.steps.length - 1]! >= step) return;
    into.steps.push(step);
    into.values.push(value);
  };
  for (const bucket of buckets) {
    push(bucket.firstStep, bucket.firstValue);
    // The extremes lie between the first and last step; the earlier of them goes first.
    const minFirst = bucket.minStep !== null && (bucket.maxStep === null || bucket.minStep <= bucket.maxStep);
    if (minFirst) {
      push(bucket.minStep!, bucket.minValue);
      if (bucket.maxStep !== null) push(bucket.maxStep, bucket.maxValue);
    } else if (bucket.maxStep !== null) {
      push(bucket.maxStep, bucket.maxValue);
      if (bucket.minStep !== null) push(bucket.minStep, bucket.minValue);
    }
    push(bucket.lastStep, bucket.lastValue);
  }
  return into;
}

/** M4 of raw points in buckets of 2^level steps; level 0 keeps every point. */
export function reduceM4(points: RawPoints, level: number): Points {
  if (level <= 0) return { steps: [...points.steps], values: [...points.values] };
  return m4Points(summarize(points, level));
}

/**
 * The bucket level that gives about `points` points (4 per bucket) over `spanSteps` steps:
 * the smallest power-of-two bucket width with at most points / 4 buckets.
 */
export function levelFor(spanSteps: number, points: number): number {
  const buckets = Math.max(1, Math.floor(points / 4));
  const width = spanSteps / buckets;
  return width <= 1 ? 0 : Math.ceil(Math.log2(width));
}
