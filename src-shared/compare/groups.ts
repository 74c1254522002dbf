/**
 * Groups of runs (seeds of one configuration) and what a group draws and reports: one mean line
 * with min-max, ±std and 95% CI bands, and the summary figures as mean ± std over its runs.
 */
import type { CompareRow } from '../compare';
import { cellAt, cellKey, cellText, flattenConfig, type DiffCell } from './config-diff';
import { describeSample, type SampleStats } from './statistics';
import { SUMMARY_FIGURES, type SummaryFigureKey } from './summary';

export interface RunGroup<T> {
  /** Identity of the group: its field values, type-tagged (see `cellKey`). */
  key: string;
  /** `loss.name=bt, model.featureDim=32`; the empty string when there is no field to group by. */
  label: string;
  /** The group's value of each field, in the order of the fields. */
  values: DiffCell[];
  members: T[];
}

/**
 * Groups runs by the values of one or more configuration paths (dotted, as in the config diff).
 * A run that lacks a field groups with the other runs lacking it (shown as `—`), never with
 * runs where it is `null`. Groups keep the order of their first run. With no fields, each run
 * is its own group (no grouping), so callers need only one code path.
 */
export function groupRuns<T>(
  runs: readonly T[],
  configOf: (run: T) => unknown,
  fields: readonly string[],
): RunGroup<T>[] {
  if (fields.length === 0) {
    return runs.map((run, index) => ({ key: `#${index}`, label: '', values: [], members: [run] }));
  }
  const groups = new Map<string, RunGroup<T>>();
  for (const run of runs) {
    const flat = flattenConfig(configOf(run));
    const values = fields.map((field) => cellAt(flat, field));
    const key = JSON.stringify(values.map(cellKey));
    let group = groups.get(key);
    if (!group) {
      const label = fields.map((field, i) => `${field}=${cellText(values[i]!)}`).join(', ');
      group = { key, label, values, members: [] };
      groups.set(key, group);
    }
    group.members.push(run);
  }
  return [...groups.values()];
}

/**
 * One run's series, steps ascending (as the store returns them). `steps` may hold any ascending x
 * (epoch, training time, samples seen), so a group aggregates on the x-axis the chart shows.
 */
export interface SeriesInput {
  steps: readonly number[];
  values: readonly (number | null)[];
}

/** A group's series on a common step grid; arrays are parallel to `steps`. */
export interface AggregatedSeries {
  steps: number[];
  /** How many runs contributed at each step. */
  count: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** Sample std (n - 1); null where only one run contributed (no band). */
  std: (number | null)[];
  /** 95% CI half-width of the mean (Student's t, n - 1 df); null where n = 1. */
  ci95: (number | null)[];
}

/**
 * A run's value at `step`: its own point when it has one; otherwise linear interpolation between
 * its neighbouring points. Outside the run's first..last step it has no value (a run that stopped
 * at step 500 says nothing about step 900, and extrapolating would invent data).
 * `steps`/`values` hold the run's finite points only, so a non-finite value is bridged.
 * `cursor` walks forward as the (ascending) grid does, so aligning is linear, not quadratic.
 */
function valueAt(steps: number[], values: number[], step: number, cursor: { index: number }): number | null {
  while (cursor.index < steps.length && steps[cursor.index]! < step) cursor.index += 1;
  const i = cursor.index;
  if (i >= steps.length) return null;
  if (steps[i] === step) return values[i]!;
  if (i === 0) return null;
  const x0 = steps[i - 1]!;
  const x1 = steps[i]!;
  return values[i - 1]! + ((values[i]! - values[i - 1]!) * (step - x0)) / (x1 - x0);
}

/**
 * Aggregates a group's series over the union of their steps, each run's value taken at its own
 * points and linearly interpolated between them (runs logged at different intervals, or reduced
 * to different steps by the server, still align without a sawtooth from runs dropping in and out).
 * Steps where no run has a value are left out.
 */
export function aggregateSeries(series: readonly SeriesInput[]): AggregatedSeries {
  const finite = series.map((one) => {
    const steps: number[] = [];
    const values: number[] = [];
    one.steps.forEach((step, i) => {
      const value = one.values[i];
      if (value !== null && value !== undefined && Number.isFinite(value)) {
        steps.push(step);
        values.push(value);
      }
    });
    return { steps, values, cursor: { index: 0 } };
  });
  const grid = [...new Set(finite.flatMap((one) => one.steps))].sort((a, b) => a - b);
  const result: AggregatedSeries = { steps: [], count: [], mean: [], min: [], max: [], std: [], ci95: [] };
  for (const step of grid) {
    const stats = describeSample(finite.map((one) => valueAt(one.steps, one.values, step, one.cursor)));
    if (!stats) continue;
    result.steps.push(step);
    result.count.push(stats.n);
    result.mean.push(stats.mean);
    result.min.push(stats.min);
    result.max.push(stats.max);
    result.std.push(stats.std);
    result.ci95.push(stats.ci95);
  }
  return result;
}

/** A group's summary figures: mean ± std over the runs that have each figure. */
export type GroupFigures = Record<SummaryFigureKey, SampleStats | null>;

/** Aggregates the summary rows of a group's runs, one `SampleStats` per summary figure. */
export function aggregateRows(rows: readonly CompareRow[]): GroupFigures {
  const figures = {} as GroupFigures;
  for (const figure of SUMMARY_FIGURES) {
    figures[figure.key] = describeSample(rows.map((row) => figure.value(row)));
  }
  return figures;
}
