import type { MetricSeries } from '@shared/metrics';

/** Quotes a CSV header cell when it needs it (RFC 4180). */
function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Pivots metric series into CSV: one row per step, one column per metric, empty cells where a
 * metric has no value at that step (pandas reads them as NaN).
 */
export function metricsToCsv(series: readonly MetricSeries[]): string {
  const steps = [...new Set(series.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const rowOf = new Map(steps.map((step, row) => [step, row]));
  const columns = series.map((s) => {
    const column = new Array<string>(steps.length).fill('');
    s.steps.forEach((step, i) => {
      const value = s.values[i];
      column[rowOf.get(step)!] = value === null || value === undefined ? '' : String(value);
    });
    return column;
  });
  const lines = [['step', ...series.map((s) => csvCell(s.name))].join(',')];
  steps.forEach((step, row) => lines.push([String(step), ...columns.map((column) => column[row])].join(',')));
  return `${lines.join('\n')}\n`;
}
