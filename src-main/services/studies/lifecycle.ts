/**
 * Start, stop, resume, retry and delete of a whole study: each acts on the study's runs through
 * the same functions as the run calls (runs.service.ts), so a study's run behaves exactly like a
 * run launched by hand.
 */
import { AppFailure } from '@shared/errors';
import { isActiveStatus, type RunSummary } from '@shared/runs';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import { deleteRun, resumeRun, startRun } from '../runs.service';
import type { QueuedRun } from '../cluster/remote-placement';
import type { Supervisor } from '../supervisor';

export interface LifecycleDeps {
  store: RunStore;
  supervisor: Supervisor;
  events: EventBus;
}

const runsOf = (store: RunStore, studyId: number): RunSummary[] =>
  store.studies.runs(studyId).map((entry) => entry.run);

/** Queues the runs that never started (together: a study placed on a cluster is one job array). */
export function startStudy({ store, supervisor }: LifecycleDeps, studyId: number): void {
  const created = runsOf(store, studyId).filter((run) => run.status === 'created');
  supervisor.enqueueMany(created.map((run) => ({ runId: run.id })));
}

/** Collects what the run calls would queue one by one, to queue it in one `enqueueMany`. */
function batch(): { queue: Pick<Supervisor, 'enqueue'>; entries: QueuedRun[] } {
  const entries: QueuedRun[] = [];
  return { entries, queue: { enqueue: (runId, options) => entries.push({ runId, options }) } };
}

/**
 * Stops every queued or running run, and the evaluations of its completed ones: the queued runs
 * leave the queue first, so a worker that ends meanwhile does not free a slot for one of them;
 * the running ones save a stop checkpoint.
 */
export function stopStudy({ store, supervisor }: LifecycleDeps, studyId: number): void {
  const runs = runsOf(store, studyId);
  for (const run of runs) if (run.status === 'queued') supervisor.stop(run.id);
  for (const run of runs) if (run.status === 'running' || run.status === 'stopping') supervisor.stop(run.id);
  // The plan's evaluations of completed runs stop too (cancelled; Resume queues them again).
  for (const run of runs)
    if (run.status === 'completed' && supervisor.isBusy(run.id)) supervisor.stop(run.id);
}

/**
 * Continues `run` from its newest good checkpoint; without one (stopped while queued, or every
 * checkpoint corrupt) it starts again from scratch, which is the only way it can run.
 */
function continueRun(store: RunStore, queue: Pick<Supervisor, 'enqueue'>, run: RunSummary): void {
  if (run.checkpointStep !== null) {
    try {
      resumeRun(store, queue, run);
      return;
    } catch (error) {
      if (!(error instanceof AppFailure)) throw error;
      store.logs.append(run.id, 'warn', `${error.message}: the study starts it again from scratch`);
    }
  }
  startRun(store, queue, run);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no worker holds the runs `which` selects: a run reads `stopped` or `failed` as soon
 * as its worker reports it, but the worker still holds the run while it exits, and the supervisor
 * queues nothing for a held run. Bounded by the stop timeout (a worker is killed after it).
 */
async function untilReleased(
  { store, supervisor }: LifecycleDeps,
  studyId: number,
  which: (run: RunSummary) => boolean,
): Promise<void> {
  // A placed run's job holds it until the poller has seen the job end: within the profile's stop
  // grace (then the job is cancelled) and a few polls.
  const placedMs = runsOf(store, studyId).flatMap((run) => {
    const grace = store.cluster.remoteRun(run.id)?.settings.stopGraceSeconds;
    return grace === undefined ? [] : [grace * 1000 + 15_000];
  });
  const deadline = Date.now() + Math.max(supervisor.stopTimeout, ...placedMs) + 5000;
  // A placed run being submitted holds it too: its job, once Slurm names it, is cancelled and settled.
  const held = () =>
    runsOf(store, studyId).filter(
      (run) =>
        which(run) &&
        (supervisor.lease(run.id) !== undefined ||
          store.cluster.currentJob(run.id)?.settled === false ||
          store.cluster.remoteRun(run.id)?.submittingSince != null),
    );
  while (held().length > 0) {
    if (Date.now() > deadline) {
      const ids = held().map((run) => run.id);
      throw new AppFailure(
        'conflict',
        `Runs ${ids.join(', ')} of study ${studyId} are still held by a worker; try again`,
      );
    }
    await sleep(100);
  }
}

const stoppedOrInterrupted = (run: RunSummary) => run.status === 'stopped' || run.status === 'interrupted';

/** Stopped and interrupted runs continue from their checkpoints; runs never started are queued. */
export async function resumeStudy(deps: LifecycleDeps, studyId: number): Promise<void> {
  // Completed runs too: the plan queues their stopped evaluations again once their workers exit.
  await untilReleased(deps, studyId, (run) => stoppedOrInterrupted(run) || run.status === 'completed');
  const { queue, entries } = batch();
  for (const run of runsOf(deps.store, studyId)) {
    if (stoppedOrInterrupted(run)) continueRun(deps.store, queue, run);
    else if (run.status === 'created') queue.enqueue(run.id);
  }
  deps.supervisor.enqueueMany(entries);
}

/** Failed runs start again: from their last good checkpoint when they have one, else from scratch. */
export async function retryStudy(deps: LifecycleDeps, studyId: number): Promise<void> {
  await untilReleased(deps, studyId, (run) => run.status === 'failed' || run.status === 'completed');
  const { queue, entries } = batch();
  for (const run of runsOf(deps.store, studyId))
    if (run.status === 'failed') continueRun(deps.store, queue, run);
  deps.supervisor.enqueueMany(entries);
}

/**
 * Deletes the study with its runs. Active runs are stopped first and waited for (a worker saves
 * its stop checkpoint, or is killed after the supervisor's stop timeout); then each run goes the
 * way `runs:delete` deletes it (`run:deleted` each), and the study row last (`study:deleted`).
 */
export async function deleteStudy(deps: LifecycleDeps, studyId: number): Promise<number[]> {
  const { store, supervisor, events } = deps;
  stopStudy(deps, studyId);
  // A worker of an evaluation (the plan's) holds its run too: stopping cancels it.
  for (const run of runsOf(store, studyId)) if (supervisor.lease(run.id)) supervisor.stop(run.id);
  await untilReleased(deps, studyId, () => true);
  const stillActive = runsOf(store, studyId).filter((run) => isActiveStatus(run.status));
  if (stillActive.length > 0) {
    const ids = stillActive.map((run) => run.id).join(', ');
    throw new AppFailure('conflict', `Runs ${ids} of study ${studyId} did not stop; delete it again`);
  }
  const runIds = store.studies.runIds(studyId);
  for (const runId of runIds) deleteRun(store, supervisor, events, runId);
  store.studies.delete(studyId);
  events.emit('study:deleted', { studyId });
  return runIds;
}
