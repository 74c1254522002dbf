import type { CompareRow } from '@shared/compare';
import { groupRuns as groupByFields } from '@shared/compare/groups';
import type { SampleStats } from '@shared/compare/statistics';

/** Runs that share the values of the grouping fields (e.g. the seeds of one configuration). */
export interface RunGroup {
  /** Stable over reloads: the grouping values' type-tagged keys. */
  key: string;
  /** `loss.name=barlow-twins, model.dim=128`. */
  label: string;
  runIds: number[];
}

/** The page's groups, from the shared grouping (src-shared/compare/groups.ts) the CLI uses too. */
export function groupRuns(rows: readonly CompareRow[], fields: readonly string[]): RunGroup[] {
  return groupByFields(rows, (row) => row.config, fields).map((group) => ({
    key: group.key,
    label: group.label,
    runIds: group.members.map((row) => row.runId),
  }));
}

/** The band around a group's mean the reader chose; a single run has no spread (the mean itself). */
export function bandOf(
  stats: Pick<SampleStats, 'mean' | 'min' | 'max' | 'std' | 'ci95'>,
  band: 'minmax' | 'std' | 'ci95',
): [number, number] {
  if (band === 'minmax') return [stats.min, stats.max];
  const half = (band === 'std' ? stats.std : stats.ci95) ?? 0;
  return [stats.mean - half, stats.mean + half];
}
