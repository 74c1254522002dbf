import type { MetricSeries } from '@shared/metrics';
import type { StepTime } from '../storage/metrics.repo';

/** Quotes a CSV header cell when it needs it (RFC 4180). */
function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The columns every export leads with, before one column per metric. */
export const STEP_COLUMNS = ['step', 'epoch', 'wall_time_ms'] as const;

/**
 * Pivots metric series into CSV: one row per step with its epoch and wall time (Unix ms, when the
 * step's first metric was written: `pd.to_datetime(df.wall_time_ms, unit="ms")`), then one column
 * per metric, with empty cells where a metric has no value at that step (pandas reads them as NaN).
 */
export function metricsToCsv(series: readonly MetricSeries[], stepTimes: readonly StepTime[]): string {
  const steps = [...new Set([...series.flatMap((s) => s.steps), ...stepTimes.map((t) => t.step)])].sort(
    (a, b) => a - b,
  );
  const rowOf = new Map(steps.map((step, row) => [step, row]));
  const timeOf = new Map(stepTimes.map((time) => [time.step, time]));
  const columns = series.map((s) => {
    const column = new Array<string>(steps.length).fill('');
    s.steps.forEach((step, i) => {
      const value = s.values[i];
      column[rowOf.get(step)!] = value === null || value === undefined ? '' : String(value);
    });
    return column;
  });
  const lines = [[...STEP_COLUMNS, ...series.map((s) => csvCell(s.name))].join(',')];
  steps.forEach((step, row) => {
    const time = timeOf.get(step);
    lines.push(
      [
        String(step),
        String(time?.epoch ?? ''),
        String(time?.wallTimeMs ?? ''),
        ...columns.map((c) => c[row]),
      ].join(','),
    );
  });
  return `${lines.join('\n')}\n`;
}
