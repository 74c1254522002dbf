import type { MetricSeries } from '@shared/metrics';

function lastStep(series: MetricSeries): number {
  return series.steps.length > 0 ? (series.steps[series.steps.length - 1] as number) : -Infinity;
}

/**
 * Merges two step-sorted series of the same metric into a new one. Points of `incoming`
 * whose step `current` already has are dropped, so overlapping fetches and pushed points
 * can be combined in any order. Appending (the live case) is a plain concat.
 */
export function mergeSeries(current: MetricSeries, incoming: MetricSeries): MetricSeries {
  if (incoming.steps.length === 0) return current;
  if (current.steps.length === 0)
    return { name: current.name, steps: incoming.steps, values: incoming.values };
  if ((incoming.steps[0] as number) > lastStep(current)) {
    return {
      name: current.name,
      steps: current.steps.concat(incoming.steps),
      values: current.values.concat(incoming.values),
    };
  }
  const steps: number[] = [];
  const values: (number | null)[] = [];
  let i = 0;
  let j = 0;
  let added = false;
  while (i < current.steps.length || j < incoming.steps.length) {
    const a = i < current.steps.length ? (current.steps[i] as number) : Infinity;
    const b = j < incoming.steps.length ? (incoming.steps[j] as number) : Infinity;
    if (a <= b) {
      steps.push(a);
      values.push(current.values[i] ?? null);
      i += 1;
      if (a === b) j += 1;
    } else {
      steps.push(b);
      values.push(incoming.values[j] ?? null);
      j += 1;
      added = true;
    }
  }
  return added ? { name: current.name, steps, values } : current;
}

/**
 * Merges a batch of series into a list by name and returns a new list (or the same list when
 * nothing changed), so a `shallowRef` holding it can be replaced whole. New names are appended.
 */
export function mergeSeriesList(
  current: readonly MetricSeries[],
  incoming: readonly MetricSeries[],
): MetricSeries[] {
  const merged = [...current];
  let changed = false;
  for (const batch of incoming) {
    if (batch.steps.length === 0) continue;
    const index = merged.findIndex((series) => series.name === batch.name);
    const next =
      index === -1
        ? mergeSeries({ name: batch.name, steps: [], values: [] }, batch)
        : mergeSeries(merged[index] as MetricSeries, batch);
    if (index === -1) merged.push(next);
    else if (next !== merged[index]) merged[index] = next;
    else continue;
    changed = true;
  }
  return changed ? merged : (current as MetricSeries[]);
}

/** The smallest last step over all series: a safe `afterStep` for an incremental fetch. */
export function commonLastStep(series: readonly MetricSeries[]): number {
  if (series.length === 0) return -1;
  const minimum = Math.min(...series.map(lastStep));
  return Number.isFinite(minimum) ? minimum : -1;
}

/** The latest value of a series (`null` when it was not finite), if any. */
export function latestValue(series: MetricSeries | undefined): number | null | undefined {
  if (!series || series.values.length === 0) return undefined;
  return series.values[series.values.length - 1];
}
