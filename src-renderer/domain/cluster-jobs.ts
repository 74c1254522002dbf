/**
 * The Cluster view's jobs: newest submission first, updated in place by `cluster:job` events, and
 * Slurm's state words in the tones of the run badges (what each state means for a run comes from
 * SLURM_STATES, so PENDING reads as queued and TIMEOUT as failed).
 */
import { parseSlurmState, SLURM_STATES, type ClusterJob } from '@shared/cluster/types';
import type { BadgeTone } from '../components/StatusBadge.vue';
import { RUN_STATUS_TONES } from './run-status-tones';

/** A Slurm state's badge tone; one Slurm does not define (a newer version's) stays neutral. */
export function slurmStateTone(state: string | null | undefined): BadgeTone {
  const known = state ? parseSlurmState(state) : undefined;
  return known ? RUN_STATUS_TONES[SLURM_STATES[known].run] : 'neutral';
}

/** Whether the state is one where the job waits for resources (Slurm's reason is then worth showing). */
export function isWaitingSlurmState(state: string | null | undefined): boolean {
  const known = state ? parseSlurmState(state) : undefined;
  return known !== undefined && SLURM_STATES[known].run === 'queued';
}

export function sortJobs(jobs: readonly ClusterJob[]): ClusterJob[] {
  return [...jobs].sort((a, b) => b.submittedAt - a.submittedAt || b.id - a.id);
}

/** The list with `job` added or replaced (by its row id). */
export function upsertJob(jobs: readonly ClusterJob[], job: ClusterJob): ClusterJob[] {
  return sortJobs([...jobs.filter((item) => item.id !== job.id), job]);
}
