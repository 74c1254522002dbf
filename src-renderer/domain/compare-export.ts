import type { MetricRange } from '@shared/compare';
import { alignedSeriesCsv } from '@shared/compare/summary';

/**
 * The series the page received as one CSV aligned on steps: a column per metric and run
 * (`loss · bt seed 1 (#3)`), empty where a run has no point at that step; nothing resampled.
 */
export function seriesCsv(
  range: MetricRange,
  runIds: readonly number[],
  runNames: ReadonlyMap<number, string>,
): string {
  const order = new Map(runIds.map((id, index) => [id, index]));
  const sorted = [...range.series].sort(
    (a, b) => a.name.localeCompare(b.name) || (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0),
  );
  return alignedSeriesCsv(
    sorted.map((series) => ({
      label: `${series.name} · ${runNames.get(series.runId) ?? 'run'} (#${series.runId})`,
      steps: series.steps,
      values: series.values,
    })),
  );
}

/** Saves text or a data URL as a file through a temporary link (works in Electron and browsers). */
export function download(name: string, content: string, type = 'text/csv'): void {
  const url = content.startsWith('data:') ? content : URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
