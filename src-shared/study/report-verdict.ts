/**
 * The report's verdict: sentences computed from its rows, never written in advance. Each relaxed
 * method is compared with its exact counterpart at the same d and other axes, on linear top-1
 * where both rows have it (the paper's protocol), else on the final kNN top-1; and, where both
 * exist, a method with the feature permutation against the same one without.
 */
import { EXACT_COUNTERPART, rowGroupKey } from './report-keys';
import { REPORT_DIGITS, formatStat, rowContext } from './report-text';
import type { ReportStat, StudyReportRow } from './types';

/**
 * A difference counts as "within" when it is at most 1 point or at most the larger of the two
 * seed spreads (std): below that, seeds alone could produce it.
 */
export const COMPARABLE_POINTS = 1;

/** Speed-ups between 1/1.05 and 1.05 read as "about the same loss time". */
const SAME_TIME = 1.05;

interface Accuracy {
  metric: string;
  a: ReportStat;
  b: ReportStat;
}

/** The accuracy both rows have: linear top-1 first, else the final kNN top-1; null when neither. */
function sharedAccuracy(a: StudyReportRow, b: StudyReportRow): Accuracy | null {
  if (a.linear && b.linear) return { metric: 'linear top-1', a: a.linear, b: b.linear };
  if (a.knnFinal && b.knnFinal) return { metric: 'kNN top-1', a: a.knnFinal, b: b.knnFinal };
  return null;
}

/** `A is within 0.4 points of B in kNN top-1 (77.1 ± 0.3 vs 77.5 ± 0.2, n = 3)`. */
function comparison(nameA: string, nameB: string, accuracy: Accuracy): string {
  const { a, b, metric } = accuracy;
  const difference = a.mean - b.mean;
  const size = Math.abs(difference).toFixed(REPORT_DIGITS.percent);
  const within = Math.abs(difference) <= Math.max(COMPARABLE_POINTS, a.std, b.std);
  const relation = within
    ? `within ${size} points of`
    : `${size} points ${difference < 0 ? 'below' : 'above'}`;
  const n = a.n === b.n ? `n = ${a.n}` : `n = ${a.n} vs ${b.n}`;
  const figures = `${formatStat(a, REPORT_DIGITS.percent)} vs ${formatStat(b, REPORT_DIGITS.percent)}, ${n}`;
  return `${nameA} is ${relation} ${nameB} in ${metric} (${figures})`;
}

/** ` at 1.5x lower loss time`; '' without a speed-up. */
function speedPhrase(speedup: ReportStat | null): string {
  if (!speedup || !(speedup.mean > 0)) return '';
  if (speedup.mean >= SAME_TIME) return ` at ${speedup.mean.toFixed(1)}x lower loss time`;
  if (speedup.mean <= 1 / SAME_TIME) return ` at ${(1 / speedup.mean).toFixed(1)}x higher loss time`;
  return ' at about the same loss time';
}

/** The method's name with its `no perm.` qualifier removed: `sBT (b=64, no perm.)` -> `sBT (b=64)`. */
function withPermutation(method: string): string {
  return method
    .replace(/, no perm\./u, '')
    .replace(/\(no perm\., /u, '(')
    .replace(/ \(no perm\.\)/u, '');
}

export function reportVerdict(rows: readonly StudyReportRow[]): string[] {
  const verdict: string[] = [];
  const prefix = (row: StudyReportRow): string => {
    const context = rowContext(row, rows);
    return context ? `At ${context}: ` : '';
  };
  for (const row of rows) {
    if (row.blockSize === null) continue;
    const exact = rows.find(
      (other) =>
        other.lossName === EXACT_COUNTERPART[row.lossName] && rowGroupKey(other) === rowGroupKey(row),
    );
    const accuracy = exact && sharedAccuracy(row, exact);
    if (!exact || !accuracy) continue;
    verdict.push(
      `${prefix(row)}${comparison(row.method, exact.method, accuracy)}${speedPhrase(row.speedup)}.`,
    );
  }
  for (const row of rows) {
    if (row.permutation !== 'batch') continue;
    const without = rows.find(
      (other) =>
        other.permutation === 'none' &&
        other.lossName === row.lossName &&
        other.blockSize === row.blockSize &&
        withPermutation(other.method) === row.method &&
        rowGroupKey(other) === rowGroupKey(row),
    );
    const accuracy = without && sharedAccuracy(row, without);
    if (!without || !accuracy) continue;
    verdict.push(`${prefix(row)}Feature permutation: ${comparison(row.method, without.method, accuracy)}.`);
  }
  return verdict;
}
