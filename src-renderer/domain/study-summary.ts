import { COMPARE_LIMITS } from '@shared/compare';
import type { RunStatus } from '@shared/runs';
import type { StudyAxis, StudyEvaluationCounts, StudyPoint, StudySummary } from '@shared/study/types';
import { DEFAULT_COMPARE_STATE, toCompareQuery } from './compare-state';

/** How a study reads in tables: its grid, progress, evaluations, and the comparison it opens. */

type StudyCounts = StudySummary['counts'];

/** `loss (5) × model.projectorOutputDim (2) × 3 seeds`; `1 run` for a study without axes and seeds. */
export function axesSummary(axes: readonly StudyAxis[], seeds: number): string {
  const parts = axes.map((axis) => `${axis.field} (${axis.values.length})`);
  parts.push(`${seeds} ${seeds === 1 ? 'seed' : 'seeds'}`);
  return parts.join(' × ');
}

/** A value's label on an axis, as the grid names it. */
export function pointLabels(point: StudyPoint, axes: readonly StudyAxis[]): string[] {
  return axes.map((axis) => {
    const label = point.labels[axis.field] ?? String(point.values[axis.field]);
    return axis.field.includes('.') ? `${axis.field}=${label}` : label;
  });
}

export interface ProgressSegment {
  /** The tone of the segment (a run status, as the run badges colour it). */
  tone: RunStatus;
  count: number;
  percent: number;
}

/** Segments of the runs bar in reading order: done, failed, running, queued, stopped; created is the empty rest. */
const SEGMENTS: { tone: RunStatus; statuses: RunStatus[] }[] = [
  { tone: 'completed', statuses: ['completed'] },
  { tone: 'failed', statuses: ['failed'] },
  { tone: 'running', statuses: ['running', 'stopping'] },
  { tone: 'queued', statuses: ['queued'] },
  { tone: 'stopped', statuses: ['stopped', 'interrupted'] },
];

export function progressSegments(counts: StudyCounts): ProgressSegment[] {
  if (counts.total <= 0) return [];
  return SEGMENTS.map(({ tone, statuses }) => {
    const count = statuses.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
    return { tone, count, percent: (count / counts.total) * 100 };
  }).filter((segment) => segment.count > 0);
}

/** `3 / 10 done · 1 failed · 2 running · 4 queued`. */
export function countsText(counts: StudyCounts): string {
  const parts = [`${counts.completed} / ${counts.total} done`];
  const running = counts.running + counts.stopping;
  const stopped = counts.stopped + counts.interrupted;
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (running > 0) parts.push(`${running} running`);
  if (counts.queued > 0) parts.push(`${counts.queued} queued`);
  if (stopped > 0) parts.push(`${stopped} stopped`);
  if (counts.created > 0) parts.push(`${counts.created} not started`);
  return parts.join(' · ');
}

/** `4 / 10 evaluated · 1 running`; `none planned` when the study asks for no evaluation. */
export function evaluationText(evaluations: StudyEvaluationCounts): string {
  if (evaluations.planned === 0) return 'none planned';
  const parts = [`${evaluations.completed} / ${evaluations.planned} done`];
  if (evaluations.running > 0) parts.push(`${evaluations.running} running`);
  if (evaluations.queued > 0) parts.push(`${evaluations.queued} queued`);
  if (evaluations.failed > 0) parts.push(`${evaluations.failed} failed`);
  return parts.join(' · ');
}

/** What the study page's buttons may do now. */
export function studyActions(counts: StudyCounts): { canStop: boolean; canResume: boolean; failed: number } {
  return {
    canStop: counts.queued + counts.running > 0,
    canResume: counts.stopped + counts.interrupted + counts.created > 0,
    failed: counts.failed,
  };
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The configuration paths the comparison groups by, so a group is one cell of the grid over its
 * seeds: a leaf axis is its own path; a section axis (`loss` = BT, sBT, sBT without permutation)
 * the keys that differ between its values (`loss.name`, `loss.permutation`), a key left out by
 * one value and given by another counting as different.
 */
export function studyGroupFields(axes: readonly StudyAxis[]): string[] {
  const fields: string[] = [];
  for (const axis of axes) {
    const sections = axis.values.filter(isSection);
    if (sections.length === 0) {
      fields.push(axis.field);
      continue;
    }
    const keys = [...new Set(sections.flatMap((value) => Object.keys(value)))];
    const varying = keys.filter(
      (key) => new Set(sections.map((value) => JSON.stringify(value[key] ?? null))).size > 1,
    );
    fields.push(...varying.map((key) => `${axis.field}.${key}`));
  }
  return [...new Set(fields)].slice(0, 8);
}

/**
 * The Compare page for a study's runs, grouped by its axes; the comparison holds at most
 * COMPARE_LIMITS.maxRuns runs, so a larger study opens its first ones (`truncated`).
 */
export function studyCompareLocation(
  runIds: readonly number[],
  axes: readonly StudyAxis[],
): { location: { name: 'compare'; query: Record<string, string> }; truncated: boolean } {
  const ids = [...runIds].sort((a, b) => a - b);
  const query = toCompareQuery({
    ...DEFAULT_COMPARE_STATE,
    runIds: ids.slice(0, COMPARE_LIMITS.maxRuns),
    groupBy: studyGroupFields(axes),
  });
  return { location: { name: 'compare', query }, truncated: ids.length > COMPARE_LIMITS.maxRuns };
}

/**
 * Whether an update of a study means its report may have changed: a run or an evaluation ended,
 * or the study's state changed (its notes name the runs still running or stopped).
 */
export function reportMayHaveChanged(before: StudySummary | undefined, after: StudySummary): boolean {
  if (!before) return true;
  return (
    before.state !== after.state ||
    before.counts.completed !== after.counts.completed ||
    before.counts.failed !== after.counts.failed ||
    before.evaluations.completed !== after.evaluations.completed ||
    before.counts.total !== after.counts.total
  );
}
