/** How report rows find each other: the exact loss a relaxed one approximates, at the same d and axes. */
import type { StudyReportRow } from './types';

/** The exact loss each loss is measured against (the speed-up's and the verdict's reference). */
export const EXACT_COUNTERPART: Readonly<Record<string, string>> = {
  bt: 'bt',
  vicreg: 'vicreg',
  'fft-bt': 'bt',
  'fft-vicreg': 'vicreg',
};

/** The key of a row's context: d and the other axes' labels (rows compared with each other share it). */
export function rowGroupKey(row: Pick<StudyReportRow, 'd' | 'labels'>): string {
  return JSON.stringify([row.d, Object.entries(row.labels).sort(([a], [b]) => a.localeCompare(b))]);
}
