/**
 * What the Supervisor sees of cluster placement (issue 15): runs placed on a Slurm profile train
 * in a batch job, not in one of this host's workers. The Supervisor hands their starts, stops and
 * busy questions to a RemotePlacement (ClusterRuns, cluster-runs.ts); evaluations and inspector
 * captures of a placed run stay local, from the stored checkpoint.
 */
import type { LaunchOptions } from '../worker-run';

/** A run to start: afresh (its folder's journal cleared), or resumed from its journal's checkpoint. */
export interface RemoteSubmission {
  runId: number;
  resume: boolean;
}

export interface RemotePlacement {
  /** Whether the run is placed on a cluster profile. */
  isPlaced(runId: number): boolean;
  /** Submits the runs; those of one profile become one job array. Failures end up on the runs: never rejects. */
  submit(entries: readonly RemoteSubmission[]): Promise<void>;
  /** `dequeued`: a pending job was cancelled; `stopping`: a running job was asked to stop. */
  stop(runId: number): 'dequeued' | 'stopping' | 'idle';
  /** Being submitted, or a job of it that the poller has not settled yet. */
  isBusy(runId: number): boolean;
  /** Being submitted, or its job waits in Slurm's queue. */
  isQueued(runId: number): boolean;
}

/** A run the Supervisor is asked to queue, with how it starts. */
export interface QueuedRun {
  runId: number;
  options?: LaunchOptions;
}

/**
 * Sends the placed training runs among `entries` to the cluster (one submission, so that one
 * profile's runs share a job array) and returns the rest, which this host's queue takes.
 */
export function submitPlaced(
  remote: RemotePlacement | undefined,
  entries: readonly QueuedRun[],
): readonly QueuedRun[] {
  if (!remote) return entries;
  const placed = (entry: QueuedRun) => !entry.options?.evaluation && remote.isPlaced(entry.runId);
  const submissions = entries
    .filter(placed)
    .map((entry) => ({ runId: entry.runId, resume: entry.options?.resumeFromCheckpointId !== undefined }));
  // submit() reports its failures on the runs; the catch only keeps a bug from ending the host.
  if (submissions.length > 0)
    remote
      .submit(submissions)
      .catch((error: unknown) => console.error('Decorbench: submission failed', error));
  return entries.filter((entry) => !placed(entry));
}
