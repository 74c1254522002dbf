/**
 * A study report as text to paste or open elsewhere: Markdown (a table in the paper's shape, the
 * verdict above, the notes below) and CSV (one row per cell, mean / std / n columns, RFC 4180).
 * Shared by the CLI (`study show ID --report md|csv`) and the study page's buttons.
 */
import { REPORT_DIGITS, formatStat } from './report-text';
import type { ReportStat, StudyReport, StudyReportRow } from './types';

export type ReportStatKey = 'knnInit' | 'knnFinal' | 'linear' | 'stepMs' | 'lossMs' | 'speedup';

export interface ReportStatColumn {
  key: ReportStatKey;
  /** The Markdown and on-screen heading. */
  heading: string;
  /** The CSV columns' prefix (`_mean`, `_std`, `_n` follow). */
  csv: string;
  digits: number;
  suffix?: string;
}

/** The statistics columns, in the table's order. */
export const REPORT_STAT_COLUMNS: readonly ReportStatColumn[] = [
  { key: 'knnInit', heading: 'kNN top-1 init (%)', csv: 'knn_init_top1_pct', digits: REPORT_DIGITS.percent },
  {
    key: 'knnFinal',
    heading: 'kNN top-1 final (%)',
    csv: 'knn_final_top1_pct',
    digits: REPORT_DIGITS.percent,
  },
  { key: 'linear', heading: 'Linear top-1 (%)', csv: 'linear_top1_pct', digits: REPORT_DIGITS.percent },
  { key: 'stepMs', heading: 'Step (ms)', csv: 'step_ms', digits: REPORT_DIGITS.ms },
  { key: 'lossMs', heading: 'Loss (ms)', csv: 'loss_ms', digits: REPORT_DIGITS.ms },
  { key: 'speedup', heading: 'Speed-up', csv: 'speedup', digits: REPORT_DIGITS.speedup, suffix: 'x' },
];

/** The other axes' fields that label rows, in first-seen order. */
export function labelFields(report: StudyReport): string[] {
  const fields: string[] = [];
  for (const row of report.rows)
    for (const field of Object.keys(row.labels)) if (!fields.includes(field)) fields.push(field);
  return fields;
}

export const permutationText = (row: StudyReportRow): string =>
  row.permutation === null ? '—' : row.permutation === 'batch' ? 'on' : 'off';

/**
 * A cell: `77.1 ± 0.3`, with `(n = 2)` when fewer runs than the row's completed ones have the
 * figure; `—` when none has.
 */
export function formatCell(
  stat: ReportStat | null,
  row: StudyReportRow,
  digits: number,
  suffix = '',
): string {
  if (!stat) return '—';
  const text = formatStat(stat, digits, suffix);
  return stat.n === row.completed ? text : `${text} (n = ${stat.n})`;
}

/** `3` when every run of the cell completed, else `2 of 3`. */
export const runsText = (row: StudyReportRow): string =>
  row.completed === row.runIds.length ? String(row.completed) : `${row.completed} of ${row.runIds.length}`;

const markdownCell = (text: string): string => text.replace(/\|/gu, '\\|').replace(/\r?\n/gu, ' ');

export function reportToMarkdown(report: StudyReport): string {
  const fields = labelFields(report);
  const headings = [
    'Method',
    'b',
    'Perm.',
    'd',
    ...fields,
    ...REPORT_STAT_COLUMNS.map((column) => column.heading),
    'n',
  ];
  const lines = [`## ${markdownCell(report.name)} (study ${report.studyId})`, ''];
  if (report.verdict.length > 0) lines.push(...report.verdict.map((sentence) => `- ${sentence}`), '');
  lines.push(`| ${headings.map(markdownCell).join(' | ')} |`);
  lines.push(`| ${headings.map((_, index) => (index < 1 + 3 ? '---' : '---:')).join(' | ')} |`);
  for (const row of report.rows) {
    const cells = [
      row.method,
      row.blockSize === null ? '—' : String(row.blockSize),
      permutationText(row),
      String(row.d),
      ...fields.map((field) => row.labels[field] ?? '—'),
      ...REPORT_STAT_COLUMNS.map((column) => formatCell(row[column.key], row, column.digits, column.suffix)),
      runsText(row),
    ];
    lines.push(`| ${cells.map(markdownCell).join(' | ')} |`);
  }
  lines.push('', 'Mean ± sample std over seeds (completed runs only); n = completed runs of the cell.');
  lines.push("Speed-up: the exact loss's time over this one's at the same d, paired by seed.");
  if (report.notes.length > 0) lines.push('', '**Notes**', '', ...report.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text;
}

/** Figures to 6 significant decimals: exact enough for a spreadsheet, free of float noise. */
const csvNumber = (value: number): number => Number(value.toFixed(6));

export function reportToCsv(report: StudyReport): string {
  const fields = labelFields(report);
  const header = [
    'method',
    'loss',
    'block_size',
    'permutation',
    'd',
    ...fields,
    'runs',
    'completed',
    ...REPORT_STAT_COLUMNS.flatMap((column) => [
      `${column.csv}_mean`,
      `${column.csv}_std`,
      `${column.csv}_n`,
    ]),
    'run_ids',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of report.rows) {
    const cells: (string | number | null)[] = [
      row.method,
      row.lossName,
      row.blockSize,
      row.permutation,
      row.d,
      ...fields.map((field) => row.labels[field] ?? null),
      row.runIds.length,
      row.completed,
      ...REPORT_STAT_COLUMNS.flatMap((column) => {
        const stat = row[column.key];
        return stat ? [csvNumber(stat.mean), csvNumber(stat.std), stat.n] : [null, null, 0];
      }),
      row.runIds.join(' '),
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
