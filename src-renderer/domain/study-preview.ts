import type { StudyEstimate, StudyPreview } from '@shared/study/types';
import { formatDuration } from './format';

/** What the New-run form's study preview says about the grid it would launch. */

export interface EstimateLine {
  label: string;
  value: string;
}

const SOURCES: Record<StudyEstimate['source'], string> = {
  history: 'Estimate from earlier runs',
  measured: 'Estimate from a quick measurement',
  none: 'No estimate',
};

/** Per run, all runs in a row, and the wall time with the supervisor's concurrency. */
export function estimateLines(estimate: StudyEstimate): EstimateLine[] {
  if (estimate.source === 'none') return [];
  return [
    { label: 'Per run', value: formatDuration(estimate.perRunMs) },
    { label: 'All runs', value: formatDuration(estimate.totalMs) },
    { label: 'Wall time', value: formatDuration(estimate.wallMs) },
  ];
}

export function estimateSource(estimate: StudyEstimate): string {
  return SOURCES[estimate.source];
}

/** `6 runs · 2 invalid`, the headline of the preview. */
export function previewHeadline(preview: StudyPreview): string {
  const count = preview.runs.length;
  const invalid = preview.runs.filter((run) => run.issues.length > 0).length;
  const runs = `${count} ${count === 1 ? 'run' : 'runs'}`;
  return invalid > 0 ? `${runs} · ${invalid} invalid` : runs;
}
