/**
 * The comparison's summary table as text cells and CSV, for the Compare page and the CLI: which
 * figures a run row has, their units (from the shared metric table), how they read, and the
 * aligned-series CSV (one row per step, one column per series).
 */
import type { CompareRow } from '../compare';
import { METRIC, METRIC_DEFINITIONS, type MetricUnit } from '../metrics';
import type { EvaluationKind } from '../runs';
import type { SampleStats } from './statistics';

/** How a figure reads: a metric unit, or a duration (`1m05s`). */
export type FigureFormat = MetricUnit | 'duration';

/** One numeric column of the summary table. */
export interface SummaryFigure {
  key: string;
  /** Column title for people. */
  header: string;
  /** Column name in CSV files: snake case, with its unit where it has one (`_ms`, `_bytes`). */
  csvHeader: string;
  format: FigureFormat;
  value(row: CompareRow): number | null;
}

/** The top-1 of the run's offline evaluation of this kind on its latest checkpoint (newest wins). */
export function evaluationTop1(row: CompareRow, kind: EvaluationKind): number | null {
  let best: CompareRow['evaluations'][number] | undefined;
  for (const evaluation of row.evaluations) {
    if (evaluation.kind !== kind || evaluation.status !== 'completed') continue;
    if (evaluation.results.top1 === undefined) continue;
    if (
      !best ||
      evaluation.checkpointStep > best.checkpointStep ||
      (evaluation.checkpointStep === best.checkpointStep && evaluation.id > best.id)
    ) {
      best = evaluation;
    }
  }
  return best?.results.top1 ?? null;
}

const unitOf = (name: keyof typeof METRIC): MetricUnit => METRIC_DEFINITIONS[METRIC[name]].unit;

/** The numeric figures of a run, in the table's order. */
export const SUMMARY_FIGURES = [
  { key: 'steps', header: 'steps', csvHeader: 'steps', format: 'count', value: (row) => row.steps },
  {
    key: 'trainingMs',
    header: 'training time',
    csvHeader: 'training_ms',
    format: 'duration',
    value: (row) => row.trainingMs,
  },
  { key: 'loss', header: 'loss', csvHeader: 'loss', format: unitOf('loss'), value: (row) => row.loss },
  {
    key: 'knnTop1Initial',
    header: 'kNN top-1 (init)',
    csvHeader: 'knn_top1_initial',
    format: unitOf('knnTop1'),
    value: (row) => row.knnTop1Initial,
  },
  {
    key: 'knnTop1Final',
    header: 'kNN top-1',
    csvHeader: 'knn_top1_final',
    format: unitOf('knnTop1'),
    value: (row) => row.knnTop1Final,
  },
  {
    key: 'probeTop1',
    header: 'probe top-1',
    csvHeader: 'probe_top1',
    format: unitOf('probeValTop1'),
    value: (row) => row.probeTop1,
  },
  {
    key: 'medianStepMs',
    header: 'median step',
    csvHeader: 'median_step_ms',
    format: unitOf('stepMs'),
    value: (row) => row.medianStepMs,
  },
  {
    key: 'lossShare',
    header: 'loss share',
    csvHeader: 'loss_share',
    format: 'ratio',
    value: (row) => row.lossShare,
  },
  {
    key: 'peakRssBytes',
    header: 'peak memory',
    csvHeader: 'peak_rss_bytes',
    format: unitOf('rssBytes'),
    value: (row) => row.peakRssBytes,
  },
  {
    key: 'linearEvalTop1',
    header: 'linear eval top-1',
    csvHeader: 'linear_eval_top1',
    format: 'ratio',
    value: (row) => evaluationTop1(row, 'linear'),
  },
  {
    key: 'knnEvalTop1',
    header: 'kNN eval top-1',
    csvHeader: 'knn_eval_top1',
    format: 'ratio',
    value: (row) => evaluationTop1(row, 'knn'),
  },
] as const satisfies readonly SummaryFigure[];

export type SummaryFigureKey = (typeof SUMMARY_FIGURES)[number]['key'];

/** A plain number: 4 decimals, or scientific notation when very large or small. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(2)
    : value.toFixed(digits);
}

/** A duration: `42s`, `3m05s`, `2h07m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A value in its unit: `61.7%`, `12.3 ms`, `35.2 MiB`, `1m05s`; `-` for none. */
export function formatFigure(value: number | null | undefined, format: FigureFormat | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  switch (format) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'ms':
      return `${value.toFixed(1)} ms`;
    case 'bytes':
      return `${(value / 2 ** 20).toFixed(1)} MiB`;
    case 'count':
      return String(Math.round(value));
    case 'per-second':
      return `${value.toFixed(1)}/s`;
    case 'duration':
      return formatDuration(value);
    default:
      return formatNumber(value);
  }
}

/** A group's figure: `61.7% ± 1.2% (n=3)`, `61.7% (n=1)`, `-` when no run has it. */
export function formatStats(stats: SampleStats | null, format: FigureFormat): string {
  if (!stats) return '-';
  const mean = formatFigure(stats.mean, format);
  if (stats.std === null) return `${mean} (n=${stats.n})`;
  // A count's spread must not round to a whole number (0.7 steps is not 1): three significant digits.
  const spread =
    format === 'count' ? String(Number(stats.std.toPrecision(3))) : formatFigure(stats.std, format);
  return `${mean} ± ${spread} (n=${stats.n})`;
}

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text from a header and rows, one line each, ending with a line break. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** The summary table as CSV: raw numbers (ratios as 0..1, times in ms, memory in bytes). */
export function summaryCsv(rows: readonly CompareRow[]): string {
  const header = ['run_id', 'name', 'status', 'tags', 'backend', 'device', 'total_steps'];
  return toCsv(
    [...header, ...SUMMARY_FIGURES.map((figure) => figure.csvHeader)],
    rows.map((row) => [
      row.runId,
      row.name,
      row.status,
      row.tags.join(' '),
      row.backend,
      row.device,
      row.totalSteps,
      ...SUMMARY_FIGURES.map((figure) => figure.value(row)),
    ]),
  );
}

/** A group's summary as the CSV needs it. */
export interface GroupSummaryLine {
  label: string;
  runIds: number[];
  figures: Record<SummaryFigureKey, SampleStats | null>;
}

/** The grouped summary as CSV: per figure its mean, std (sample) and n. */
export function groupSummaryCsv(groups: readonly GroupSummaryLine[]): string {
  const header = ['group', 'run_ids'];
  for (const figure of SUMMARY_FIGURES) {
    header.push(`${figure.csvHeader}_mean`, `${figure.csvHeader}_std`, `${figure.csvHeader}_n`);
  }
  return toCsv(
    header,
    groups.map((group) => [
      group.label,
      group.runIds.join(' '),
      ...SUMMARY_FIGURES.flatMap((figure) => {
        const stats = group.figures[figure.key];
        return [stats?.mean ?? null, stats?.std ?? null, stats?.n ?? 0];
      }),
    ]),
  );
}

/** One column of an aligned-series table. */
export interface LabelledSeries {
  label: string;
  steps: readonly number[];
  values: readonly (number | null)[];
}

/**
 * Aligns series on the union of their steps: one row per step, one column per series, with a
 * series' own value at that step and null where it has none. No interpolation: an export is the
 * recorded data, not a picture of it.
 */
export function alignSeries(series: readonly LabelledSeries[]): {
  steps: number[];
  columns: (number | null)[][];
} {
  const steps = [...new Set(series.flatMap((one) => one.steps))].sort((a, b) => a - b);
  const rowOf = new Map(steps.map((step, index) => [step, index]));
  const columns = series.map((one) => {
    const column: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    one.steps.forEach((step, i) => {
      column[rowOf.get(step)!] = one.values[i] ?? null;
    });
    return column;
  });
  return { steps, columns };
}

/** Aligned series as CSV: `step,<label 1>,<label 2>,...`; an empty field where a series has no point. */
export function alignedSeriesCsv(series: readonly LabelledSeries[]): string {
  const { steps, columns } = alignSeries(series);
  return toCsv(
    ['step', ...series.map((one) => one.label)],
    steps.map((step, row) => [step, ...columns.map((column) => column[row]!)]),
  );
}
