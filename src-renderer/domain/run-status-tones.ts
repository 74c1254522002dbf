import type { RunStatus } from '@shared/runs';
import type { BadgeTone } from '../components/StatusBadge.vue';

/** A run status's badge tone; Slurm's job states borrow them (cluster-jobs.ts). A stopped run is neutral. */
export const RUN_STATUS_TONES: Record<RunStatus, BadgeTone> = {
  created: 'neutral',
  queued: 'queued',
  running: 'running',
  stopping: 'warning',
  interrupted: 'warning',
  completed: 'success',
  failed: 'danger',
  stopped: 'neutral',
};
