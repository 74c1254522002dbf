import type { RunStatus, RunSummary } from '@shared/runs';

/** Statuses after which a run can be continued or started again (the backend's rule too). */
export const ENDED_STATUSES: readonly RunStatus[] = ['stopped', 'failed', 'interrupted'];

/** The run ended before completing, so Resume or Start over apply. */
export function hasEndedEarly(run: Pick<RunSummary, 'status'>): boolean {
  return ENDED_STATUSES.includes(run.status);
}

/**
 * Resume is offered only where it can work: the run ended early and has a stored checkpoint to
 * continue from. The runs list, the run page and the interrupted-runs banner all ask this, so
 * they agree; a run without one is offered Start over instead. (The backend still verifies the
 * checkpoint's bytes and refuses, with a notice, when every stored one is corrupt.)
 */
export function canResume(run: Pick<RunSummary, 'status' | 'checkpointStep'>): boolean {
  return hasEndedEarly(run) && run.checkpointStep !== null;
}
