/**
 * A run's status words, in a file of their own: runs.ts and cluster/types.ts both need them, and
 * runs.ts needs cluster/types.ts (RunPlacement), so they cannot live in runs.ts without a cycle.
 */
/**
 * Life cycle: created -> queued -> running -> (stopping ->) completed | stopped | failed.
 * `interrupted` marks runs that were running when the previous host process died.
 */
export const RUN_STATUSES = [
  'created',
  'queued',
  'running',
  'stopping',
  'completed',
  'stopped',
  'failed',
  'interrupted',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses in which a worker process may exist for the run. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'stopping'];

export function isActiveStatus(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}
