/** What the study report's table needs beyond the shared formatting: which figures to set in bold. */
import { REPORT_STAT_COLUMNS, type ReportStatKey } from '@shared/study/report-format';
import type { StudyReport } from '@shared/study/types';

/** Columns with a better end: accuracies up, times down, speed-up up. kNN at initialisation has none. */
const BETTER: Partial<Record<ReportStatKey, 'higher' | 'lower'>> = {
  knnFinal: 'higher',
  linear: 'higher',
  stepMs: 'lower',
  lossMs: 'lower',
  speedup: 'higher',
};

/**
 * The rows holding each column's best mean, compared as shown (rounded to the column's
 * decimals, so ties on screen are all bold). Only where at least two rows have the figure.
 */
export function bestRows(report: StudyReport): Record<ReportStatKey, Set<number>> {
  const best = {} as Record<ReportStatKey, Set<number>>;
  for (const column of REPORT_STAT_COLUMNS) {
    best[column.key] = new Set();
    const direction = BETTER[column.key];
    if (!direction) continue;
    const shown = report.rows.map((row) => {
      const stat = row[column.key];
      return stat ? Number(stat.mean.toFixed(column.digits)) : null;
    });
    const present = shown.filter((value): value is number => value !== null);
    if (present.length < 2) continue;
    const target = direction === 'higher' ? Math.max(...present) : Math.min(...present);
    shown.forEach((value, index) => {
      if (value === target) best[column.key].add(index);
    });
  }
  return best;
}

/** `study-4-paper-fashion-mnist.csv`: the study's id and a file-safe form of its name. */
export function reportFileName(report: StudyReport, extension: 'csv' | 'md'): string {
  const slug = report.name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
  return `study-${report.studyId}${slug ? `-${slug}` : ''}.${extension}`;
}
