/** One scalar measurement of a run, as the worker produces it. */
export interface MetricPoint {
  name: string;
  step: number;
  epoch: number;
  value: number;
  wallTimeMs: number;
}

/**
 * A metric series in columnar form: charts consume parallel arrays directly and
 * JSON stays compact for 100k-point series.
 */
export interface MetricSeries {
  name: string;
  steps: number[];
  /** `null` where the value was not finite (NaN/Infinity cannot travel as JSON or live in SQLite). */
  values: (number | null)[];
}

/** Groups points by metric name into columnar series, keeping their order. */
export function toSeries(points: readonly MetricPoint[]): MetricSeries[] {
  const byName = new Map<string, MetricSeries>();
  for (const point of points) {
    let series = byName.get(point.name);
    if (!series) {
      series = { name: point.name, steps: [], values: [] };
      byName.set(point.name, series);
    }
    series.steps.push(point.step);
    series.values.push(Number.isFinite(point.value) ? point.value : null);
  }
  return [...byName.values()];
}
