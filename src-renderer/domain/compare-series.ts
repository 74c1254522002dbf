import type { CompareState, MetricRange, ReducedSeries, RunClock } from '@shared/compare';
import { describeMetric, METRIC_GROUPS, type MetricUnit } from '@shared/metrics';
import { stepsToX, type XAxisScale } from './compare-axes';
import { aggregateSeries } from '@shared/compare/groups';
import { bandOf, type RunGroup } from './compare-groups';
import { metricTitle, type MetricFormat } from './metric-groups';

/** One line of a comparison chart: a run, or a group's mean with its band. */
export interface CompareLine {
  /** `run:<id>` or `group:<key>`: the same line has the same id on every chart. */
  id: string;
  label: string;
  color: string;
  x: Float64Array;
  /** Raw values, NaN where not finite. */
  y: Float64Array;
  /** A group's band (min-max, ±std or 95% CI) at each x. */
  band?: { lower: Float64Array; upper: Float64Array };
  /** Runs in a group. */
  n?: number;
}

/** What one chart of the comparison shows. */
export interface CompareChartData {
  metric: string;
  title: string;
  axisTitle: string;
  format: MetricFormat;
  /** Measured now and then (kNN, probe): every point is marked, so a single one still shows. */
  points: boolean;
  lines: CompareLine[];
}

/** Ten colours distinct enough side by side (Tableau 10, darkened where it was pale). */
export const RUN_PALETTE = [
  '#2563eb',
  '#e8590c',
  '#16a34a',
  '#dc2626',
  '#9333ea',
  '#8c564b',
  '#db2777',
  '#475569',
  '#ca8a04',
  '#0891b2',
] as const;

/**
 * Each run's colour, by its place in the comparison (the order of its ids), the same on every
 * chart, table and legend; the eleventh run takes the first colour again.
 */
export function runColors(runIds: readonly number[]): Map<number, string> {
  return new Map(runIds.map((id, index) => [id, RUN_PALETTE[index % RUN_PALETTE.length]!]));
}

const FORMAT_OF_UNIT: Record<MetricUnit, MetricFormat> = {
  number: 'number',
  ratio: 'percent',
  ms: 'ms',
  bytes: 'bytes',
  count: 'number',
  'per-second': 'number',
};

/** A metric's chart title, axis title (with its unit) and value format, from the shared table. */
export function describeCompareMetric(
  name: string,
): Pick<CompareChartData, 'title' | 'axisTitle' | 'format' | 'points'> {
  const known = describeMetric(name);
  if (!known) return { title: metricTitle(name), axisTitle: name, format: 'number', points: false };
  const group = METRIC_GROUPS[known.group];
  const groupTitle = group.title.replace(/ \(.*\)$/, '');
  // `Learning rate`, not `Learning rate: learning rate`.
  const title =
    known.group === 'loss' || groupTitle.toLowerCase() === known.label.toLowerCase()
      ? group.title
      : `${groupTitle}: ${known.label}`;
  const sparse = 'sparse' in group && group.sparse;
  return { title, axisTitle: group.axisTitle, format: FORMAT_OF_UNIT[known.unit], points: sparse };
}

function toFloat(values: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let index = 0; index < values.length; index += 1) out[index] = values[index] ?? Number.NaN;
  return out;
}

/**
 * A group's mean line and band for one metric, aligned by the shared aggregation (each run
 * interpolated between its own points on the union of the runs' steps; a step counts only the
 * runs that reached it).
 */
export function groupLine(
  group: RunGroup,
  members: readonly ReducedSeries[],
  band: CompareState['band'],
  scale: XAxisScale,
  clock: RunClock | undefined,
  color: string,
): CompareLine | null {
  const aggregated = aggregateSeries(members);
  const length = aggregated.steps.length;
  if (length === 0) return null;
  const lower = new Float64Array(length);
  const upper = new Float64Array(length);
  for (let index = 0; index < length; index += 1) {
    [lower[index], upper[index]] = bandOf(
      {
        mean: aggregated.mean[index]!,
        min: aggregated.min[index]!,
        max: aggregated.max[index]!,
        std: aggregated.std[index]!,
        ci95: aggregated.ci95[index]!,
      },
      band,
    );
  }
  return {
    id: `group:${group.key}`,
    label: `${group.label} (n=${group.runIds.length})`,
    color,
    x: stepsToX(aggregated.steps, scale, clock),
    y: Float64Array.from(aggregated.mean),
    band: { lower, upper },
    n: group.runIds.length,
  };
}

export interface BuildChartsInput {
  range: MetricRange;
  metrics: readonly string[];
  runIds: readonly number[];
  /** Run names, read when a label is shown: the map may fill in after the charts are built. */
  runNames: ReadonlyMap<number, string>;
  scale: XAxisScale;
  /** Grouped runs; null draws one line per run. */
  groups: readonly RunGroup[] | null;
  band: CompareState['band'];
}

/** The charts of a comparison, one per metric, each with a line per run (or group) that logged it. */
export function buildCompareCharts(input: BuildChartsInput): CompareChartData[] {
  const { range, metrics, runIds, runNames, scale, groups, band } = input;
  const clocks = new Map(range.clocks.map((clock) => [clock.runId, clock]));
  const colors = runColors(runIds);
  return metrics.map((metric) => {
    const byRun = new Map(
      range.series.filter((item) => item.name === metric).map((item) => [item.runId, item]),
    );
    let lines: CompareLine[];
    if (groups) {
      lines = groups.flatMap((group, index) => {
        const members = group.runIds.map((id) => byRun.get(id)).filter((item) => item !== undefined);
        const line = groupLine(
          group,
          members,
          band,
          scale,
          clocks.get(group.runIds[0]!),
          RUN_PALETTE[index % RUN_PALETTE.length]!,
        );
        return line ? [line] : [];
      });
    } else {
      lines = runIds.flatMap((runId) => {
        const series = byRun.get(runId);
        if (!series || series.steps.length === 0) return [];
        return [
          {
            id: `run:${runId}`,
            // Read when shown (tooltip), so names arriving after the series need no redraw.
            get label() {
              return runNames.get(runId) ?? `run ${runId}`;
            },
            color: colors.get(runId)!,
            x: stepsToX(series.steps, scale, clocks.get(runId)),
            y: toFloat(series.values),
          },
        ];
      });
    }
    return { metric, ...describeCompareMetric(metric), lines };
  });
}
