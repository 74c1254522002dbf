import type { CompareRow } from '@shared/compare';
import { aggregateRows } from '@shared/compare/groups';
import { describeSample } from '@shared/compare/statistics';
import {
  formatFigure,
  formatStats,
  groupSummaryCsv,
  summaryCsv,
  SUMMARY_FIGURES,
  type SummaryFigure,
} from '@shared/compare/summary';
import type { RunGroup } from './compare-groups';

/** One column of the comparison's summary table: the shared figures (the CLI prints the same). */
export type SummaryColumn = SummaryFigure;
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = SUMMARY_FIGURES;

/** Figures where less is better sort ascending on their first click. */
export const ASCENDING_FIRST = new Set(['loss', 'medianStepMs', 'lossShare', 'peakRssBytes', 'trainingMs']);

/** A run's cell, in its unit; `—` where the run has no such figure (yet). */
export function runCellText(column: SummaryColumn, row: CompareRow): string {
  const text = formatFigure(column.value(row), column.format);
  return text === '-' ? '—' : text;
}

/** A group's cell: `mean ± std (n=…)` over the runs that have the figure. */
export function groupCellText(column: SummaryColumn, rows: readonly CompareRow[]): string {
  const text = formatStats(describeSample(rows.map((row) => column.value(row))), column.format);
  return text === '-' ? '—' : text;
}

/** Sorts rows by a figure; rows without it go last whatever the direction. */
export function sortRows(rows: readonly CompareRow[], key: string, direction: 'asc' | 'desc'): CompareRow[] {
  const column = SUMMARY_COLUMNS.find((item) => item.key === key);
  const value = (row: CompareRow): number | string | null =>
    column ? column.value(row) : key === 'name' ? row.name : key === 'status' ? row.status : null;
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const av = value(a);
    const bv = value(b);
    if (av === null || bv === null) return av === bv ? 0 : av === null ? 1 : -1;
    if (typeof av === 'number' && typeof bv === 'number') return sign * (av - bv);
    return sign * String(av).localeCompare(String(bv));
  });
}

/** The summary as CSV: per run, or per group (mean, std, n of every figure) when grouped. */
export function compareSummaryCsv(rows: readonly CompareRow[], groups: readonly RunGroup[] | null): string {
  if (!groups) return summaryCsv(rows);
  return groupSummaryCsv(
    groups.map((group) => ({
      label: group.label,
      runIds: group.runIds,
      figures: aggregateRows(rows.filter((row) => group.runIds.includes(row.runId))),
    })),
  );
}
