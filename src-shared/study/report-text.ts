/** Wording shared by the report's verdict, notes and exports: one way to write a figure or a row. */
import type { ReportStat, StudyReportRow } from './types';

/** Decimals a column is written with: accuracies in percent and times to 0.1, speed-ups to 0.01. */
export const REPORT_DIGITS = { percent: 1, ms: 1, speedup: 2 } as const;

/** `77.1 ± 0.3`, `1.50x ± 0.02` (no n: tables give it once per row). */
export function formatStat(stat: ReportStat, digits: number, suffix = ''): string {
  return `${stat.mean.toFixed(digits)}${suffix} ± ${stat.std.toFixed(digits)}`;
}

/** `run 5` or `runs 5, 7, 9`. */
export function runList(ids: readonly number[]): string {
  return ids.length === 1 ? `run ${ids[0]}` : `runs ${ids.join(', ')}`;
}

/**
 * What sets a row apart from others of the same method: its d when the report has several, and
 * its other axes' labels. Empty when the method alone names it.
 */
export function rowContext(row: StudyReportRow, rows: readonly StudyReportRow[]): string {
  const parts: string[] = [];
  if (new Set(rows.map((other) => other.d)).size > 1) parts.push(`d = ${row.d}`);
  parts.push(...Object.values(row.labels));
  return parts.join(', ');
}

/** `sBT (b=64)` or `sBT (b=64) [d = 2048, lr 0.1]`. */
export function rowTitle(row: StudyReportRow, rows: readonly StudyReportRow[]): string {
  const context = rowContext(row, rows);
  return context ? `${row.method} [${context}]` : row.method;
}
