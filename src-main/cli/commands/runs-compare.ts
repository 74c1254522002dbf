import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CompareRow } from '@shared/compare';
import { diffConfigs, flattenConfig } from '@shared/compare/config-diff';
import { aggregateRows, groupRuns } from '@shared/compare/groups';
import { alignedSeriesCsv, groupSummaryCsv, summaryCsv } from '@shared/compare/summary';
import { nearestName } from '@shared/edit-distance';
import type { MetricSeries } from '@shared/metrics';
import { resolveDatabasePath } from '../../paths';
import { RunStore } from '../../storage/store';
import { parseRunId, UsageError, type CliCommand, type CliContext } from '../command';
import {
  configDiffText,
  groupMetricFigures,
  groupMetricsText,
  groupsText,
  metricFigures,
  metricsText,
  runLabel,
  summaryText,
  type GroupLine,
} from './compare-report';
import { compareRows } from './runs-data';

/** `summary.csv` -> `summary-series.csv`: the other files of `--csv` sit beside it. */
export function siblingCsv(file: string, suffix: string): string {
  return file.toLowerCase().endsWith('.csv') ? `${file.slice(0, -4)}-${suffix}.csv` : `${file}-${suffix}.csv`;
}

/** Refuses a --group-by field that no run has, naming the nearest field that exists. */
function checkGroupFields(rows: readonly CompareRow[], fields: readonly string[]): void {
  const known = new Set(rows.flatMap((row) => [...flattenConfig(row.config).keys()]));
  for (const field of fields) {
    if (known.has(field)) continue;
    const near = nearestName(field, [...known]);
    throw new UsageError(
      `No run has the configuration field "${field}"${near ? `; did you mean "${near}"?` : ''} (fields are dotted paths, e.g. loss.name)`,
    );
  }
}

function writeFile(path: string, text: string, context: CliContext): void {
  writeFileSync(path, text);
  context.stderr.write(`Wrote ${path}\n`);
}

export const runsCompareCommand: CliCommand = {
  name: 'runs compare',
  summary: 'Compare runs: configuration differences, summary table (grouped over seeds), metric figures',
  usage: `Usage: npm run cli -- runs compare ID ID ... [--metric NAME ...] [--group-by FIELD ...] [--csv FILE] [--json] [--all-fields] [--db PATH]

Prints the configuration fields that differ between the runs (--all-fields: every field), and the
summary table: status, backend, steps, training time, final loss, kNN top-1 at initialisation and
at the end, online probe, median step time, the loss's share of it, peak memory, and offline
evaluations.
  --metric NAME       also the last, minimum and maximum of this metric per run (repeatable),
                      over every stored point
  --group-by FIELD    fold runs with equal values of this configuration field (a dotted path such
                      as loss.name or model.featureDim; repeatable) and show each group's figures
                      as mean ± sample std (n)
  --csv FILE          write the per-run summary table to FILE (raw numbers: ratios 0..1, times in
                      ms, memory in bytes); with --group-by also FILE-groups.csv (mean, std, n per
                      figure); with --metric also FILE-series.csv: one row per step, one column per
                      run and metric, every stored point, empty where a run has no point
  --json              print everything as one JSON object
  --db PATH           database file`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        metric: { type: 'string', multiple: true, default: [] },
        'group-by': { type: 'string', multiple: true, default: [] },
        csv: { type: 'string' },
        json: { type: 'boolean', default: false },
        'all-fields': { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError('Give the ids of the runs to compare');
    const runIds = [...new Set(positionals.map(parseRunId))];
    const store = RunStore.open(resolveDatabasePath(values.db), { access: 'read' });
    let rows: CompareRow[];
    let series: MetricSeries[][];
    try {
      rows = await compareRows(store, runIds);
      series = rows.map((row) => values.metric.map((name) => store.metrics.series(row.runId, name)));
    } finally {
      store.close();
    }
    checkGroupFields(rows, values['group-by']);
    for (const [m, name] of values.metric.entries()) {
      if (series.every((runSeries) => runSeries[m]!.steps.length === 0)) {
        context.stderr.write(`Note: none of the runs logged the metric "${name}"\n`);
      }
    }

    const configs = rows.map((row) => row.config);
    const allRows = diffConfigs(configs);
    const diff = values['all-fields'] ? allRows : allRows.filter((row) => row.differs);
    const groups: GroupLine[] =
      values['group-by'].length === 0
        ? []
        : groupRuns(rows, (row) => row.config, values['group-by']).map((group) => ({
            label: group.label,
            runIds: group.members.map((row) => row.runId),
            figures: aggregateRows(group.members),
          }));
    const figures = rows.flatMap((row, r) => series[r]!.map((one) => metricFigures(row.runId, one)));
    const groupMetrics = groupMetricFigures(groups, figures);

    if (values.csv) {
      writeFile(values.csv, summaryCsv(rows), context);
      if (groups.length > 0) writeFile(siblingCsv(values.csv, 'groups'), groupSummaryCsv(groups), context);
      if (values.metric.length > 0) {
        const columns = rows.flatMap((row, r) =>
          series[r]!.map((one) => ({
            label: `${one.name} ${runLabel(row)}`,
            steps: one.steps,
            values: one.values,
          })),
        );
        writeFile(siblingCsv(values.csv, 'series'), alignedSeriesCsv(columns), context);
      }
    }
    if (values.json) {
      const configDiff = diff.map((row) => ({ path: row.path, differs: row.differs, cells: row.cells }));
      context.stdout.write(
        `${JSON.stringify({ runs: rows, configDiff, groups: groups.length > 0 ? groups : undefined, metrics: figures, groupMetrics })}\n`,
      );
      return 0;
    }
    const sections = [
      configDiffText(rows, diff, allRows.length - allRows.filter((row) => row.differs).length),
      `Summary:\n${summaryText(rows)}`,
    ];
    if (groups.length > 0)
      sections.push(`Groups by ${values['group-by'].join(', ')} (mean ± std (n)):\n${groupsText(groups)}`);
    if (figures.length > 0) sections.push(`Metrics (every stored point):\n${metricsText(rows, figures)}`);
    if (groupMetrics.length > 0) {
      sections.push(
        `Metrics by group (mean ± std (n) of the runs' figures):\n${groupMetricsText(groupMetrics)}`,
      );
    }
    context.stdout.write(`${sections.join('\n\n')}\n`);
    return 0;
  },
};
