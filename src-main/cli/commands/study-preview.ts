/** The preview `study create` prints before it writes anything: the runs, the estimate, every issue. */
import type { StudyAxis, StudyEstimate, StudyPreviewRun } from '@shared/study/types';
import { formatDuration, formatTable } from '../format';

/** One row per run: its axis labels, seed, loss, d and whether it is valid. */
export function previewTable(axes: readonly StudyAxis[], runs: readonly StudyPreviewRun[]): string {
  const rows = runs.map((run, index) => [
    index + 1,
    ...axes.map((axis) => run.point.labels[axis.field] ?? '-'),
    run.point.seed,
    run.config?.loss.name ?? '-',
    run.config?.model.projectorOutputDim ?? '-',
    run.config ? 'ok' : 'INVALID',
  ]);
  return formatTable(['#', ...axes.map((axis) => axis.field), 'seed', 'loss', 'd', 'check'], rows);
}

/** `Estimate: 3m 20s per run, 50m in total, about 25m wall at 2 at a time (from ...)`. */
export function estimateText(estimate: StudyEstimate, concurrency: number): string {
  if (estimate.source === 'none' || estimate.perRunMs === null) {
    return `Estimate: none yet${estimate.detail ? ` (${estimate.detail.replace(/^No estimate: /u, '')})` : ''}`;
  }
  const wall =
    estimate.wallMs === null
      ? ''
      : `, about ${formatDuration(estimate.wallMs)} wall at ${concurrency} at a time`;
  return `Estimate: ${formatDuration(estimate.perRunMs)} per run, ${formatDuration(estimate.totalMs)} in total${wall} (${estimate.source}: ${estimate.detail})`;
}

/** `#3 name: issue; issue` for each invalid run. */
export function issueLines(runs: readonly StudyPreviewRun[]): string[] {
  return runs.flatMap((run, index) =>
    run.config ? [] : [`  #${index + 1} ${run.name}: ${run.issues.join('; ')}`],
  );
}

export function previewText(
  name: string,
  axes: readonly StudyAxis[],
  runs: readonly StudyPreviewRun[],
  estimate: StudyEstimate | null,
  concurrency: number,
): string {
  const invalid = runs.filter((run) => !run.config).length;
  const lines = [
    `Study "${name}": ${runs.length} run${runs.length === 1 ? '' : 's'}${invalid > 0 ? `, ${invalid} invalid` : ''}`,
    previewTable(axes, runs),
  ];
  if (estimate) lines.push(estimateText(estimate, concurrency));
  if (invalid > 0) lines.push('Invalid runs (nothing was written):', ...issueLines(runs));
  return `${lines.join('\n')}\n`;
}
