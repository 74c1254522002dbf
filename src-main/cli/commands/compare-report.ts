/**
 * The text of `runs compare`: the configuration diff, the summary table (per run, or per group as
 * mean ± std), and the last/min/max of chosen metrics. Pure functions of the data, so the command
 * only loads and prints.
 */
import type { CompareRow } from '@shared/compare';
import { cellText, type ConfigDiffRow } from '@shared/compare/config-diff';
import type { GroupFigures } from '@shared/compare/groups';
import { describeSample, type SampleStats } from '@shared/compare/statistics';
import { formatFigure, formatStats, SUMMARY_FIGURES, type FigureFormat } from '@shared/compare/summary';
import { describeMetric, type MetricSeries } from '@shared/metrics';
import { formatTable } from '../format';

/** A run as a column title: `#12 bt-seed1`. */
export function runLabel(row: Pick<CompareRow, 'runId' | 'name'>): string {
  return `#${row.runId} ${row.name}`;
}

/** The differing configuration fields, runs as columns. */
export function configDiffText(
  rows: readonly CompareRow[],
  diff: readonly ConfigDiffRow[],
  equal: number,
): string {
  const title = `Configuration: ${diff.length} field${diff.length === 1 ? '' : 's'} differ, ${equal} equal`;
  if (diff.length === 0) return `${title}${rows.length > 1 ? ' (the runs share one configuration)' : ''}`;
  const table = formatTable(
    ['field', ...rows.map(runLabel)],
    diff.map((row) => [row.path, ...row.cells.map((cell) => cellText(cell))]),
  );
  return `${title} (— = the run has no such field)\n${table}`;
}

/** Figures no row has are left out of the text table (the CSV keeps every column). */
function shownFigures(has: (figure: (typeof SUMMARY_FIGURES)[number]) => boolean) {
  return SUMMARY_FIGURES.filter(has);
}

/** One line per run: status, backend and every figure some run has, in its unit. */
export function summaryText(rows: readonly CompareRow[]): string {
  const figures = shownFigures((figure) => rows.some((row) => figure.value(row) !== null));
  return formatTable(
    ['id', 'name', 'status', 'backend', ...figures.map((figure) => figure.header)],
    rows.map((row) => [
      row.runId,
      row.name,
      row.status,
      row.backend ? `${row.backend}${row.device ? ` (${row.device})` : ''}` : '-',
      ...figures.map((figure) =>
        figure.key === 'steps' && row.totalSteps !== null
          ? `${row.steps}/${row.totalSteps}`
          : formatFigure(figure.value(row), figure.format),
      ),
    ]),
  );
}

export interface GroupLine {
  label: string;
  runIds: number[];
  figures: GroupFigures;
}

/** One line per group: its runs and each figure as mean ± std (n). */
export function groupsText(groups: readonly GroupLine[]): string {
  const figures = shownFigures((figure) => groups.some((group) => group.figures[figure.key] !== null));
  return formatTable(
    ['group', 'runs', ...figures.map((figure) => figure.header)],
    groups.map((group) => [
      group.label,
      group.runIds.join(' '),
      ...figures.map((figure) => formatStats(group.figures[figure.key], figure.format)),
    ]),
  );
}

/** A metric's last value and extremes over the whole series, each with its step. */
export interface MetricFigures {
  runId: number;
  name: string;
  points: number;
  last: { step: number; value: number } | null;
  min: { step: number; value: number } | null;
  max: { step: number; value: number } | null;
}

/** Last, minimum and maximum of the finite points of a full-resolution series. */
export function metricFigures(runId: number, series: MetricSeries): MetricFigures {
  const figures: MetricFigures = {
    runId,
    name: series.name,
    points: series.steps.length,
    last: null,
    min: null,
    max: null,
  };
  series.steps.forEach((step, i) => {
    const value = series.values[i];
    if (value === null || value === undefined) return;
    figures.last = { step, value };
    if (!figures.min || value < figures.min.value) figures.min = { step, value };
    if (!figures.max || value > figures.max.value) figures.max = { step, value };
  });
  return figures;
}

/** One line per run and metric: last, min and max with their steps, in the metric's unit. */
export function metricsText(rows: readonly CompareRow[], figures: readonly MetricFigures[]): string {
  const names = new Map(rows.map((row) => [row.runId, row.name]));
  const at = (point: { step: number; value: number } | null, format: FigureFormat | undefined) =>
    point ? `${formatFigure(point.value, format)} @${point.step}` : '-';
  return formatTable(
    ['metric', 'id', 'name', 'points', 'last @step', 'min @step', 'max @step'],
    figures.map((one) => {
      const format = describeMetric(one.name)?.unit;
      return [
        one.name,
        one.runId,
        names.get(one.runId) ?? '',
        one.points,
        at(one.last, format),
        at(one.min, format),
        at(one.max, format),
      ];
    }),
  );
}

/** A metric's last value and extremes over a group's runs, each as mean ± std (n). */
export interface GroupMetricFigures {
  name: string;
  group: string;
  last: SampleStats | null;
  min: SampleStats | null;
  max: SampleStats | null;
}

/** Per metric (in the order asked) and group: its runs' last, minimum and maximum, aggregated. */
export function groupMetricFigures(
  groups: readonly GroupLine[],
  figures: readonly MetricFigures[],
): GroupMetricFigures[] {
  const names = [...new Set(figures.map((one) => one.name))];
  return names.flatMap((name) =>
    groups.map((group) => {
      const members = figures.filter((one) => one.name === name && group.runIds.includes(one.runId));
      const stats = (pick: (one: MetricFigures) => { value: number } | null) =>
        describeSample(members.map((one) => pick(one)?.value ?? null));
      return {
        name,
        group: group.label,
        last: stats((one) => one.last),
        min: stats((one) => one.min),
        max: stats((one) => one.max),
      };
    }),
  );
}

/** One line per metric and group: last, min and max as mean ± std (n) over the group's runs. */
export function groupMetricsText(figures: readonly GroupMetricFigures[]): string {
  return formatTable(
    ['metric', 'group', 'last', 'min', 'max'],
    figures.map((one) => {
      const format = describeMetric(one.name)?.unit ?? 'number';
      return [
        one.name,
        one.group,
        formatStats(one.last, format),
        formatStats(one.min, format),
        formatStats(one.max, format),
      ];
    }),
  );
}
