import { AppFailure } from '@shared/errors';
import type { CaptureJob } from '@shared/inspect';
import type { RunStore } from '../../storage/store';
import type { CaptureListener } from '../capture-run';
import type { EventBus } from '../event-bus';
import { usableCheckpoint } from '../usable-checkpoint';

/** Starts a worker that takes a snapshot of a stored checkpoint (the supervisor's capture mode). */
export type CaptureLauncher = (runId: number, checkpointId: number, listener: CaptureListener) => void;

/** Jobs kept per run in memory: the newest few, enough for the Inspect tab's outcome lines. */
const KEEP_PER_RUN = 20;

/**
 * "Inspect any checkpoint" (issue 12 point 4): a worker process computes a snapshot from a
 * checkpoint's weights on the run's probe batch. Like offline evaluations, one worker per run,
 * through the supervisor's queue; its progress goes out as `inspect:job` events. The jobs live
 * in this host's memory: what lasts is the snapshot they store.
 */
export class CaptureJobs {
  private readonly jobs = new Map<number, CaptureJob[]>();
  private nextId = 1;

  constructor(
    private readonly store: RunStore,
    private readonly events: EventBus,
    private readonly isBusy: (runId: number) => boolean,
    private readonly launch: CaptureLauncher,
  ) {}

  list(runId: number): CaptureJob[] {
    return (this.jobs.get(runId) ?? []).map((job) => ({ ...job }));
  }

  start(runId: number, checkpointStep: number | undefined): CaptureJob {
    const { store } = this;
    const run = store.runs.summary(runId);
    if (!run) throw new AppFailure('not-found', `Run ${runId} does not exist`);
    if (this.isBusy(runId)) {
      // One worker per run: training, an evaluation, or another capture.
      const training = ['queued', 'running', 'stopping'].includes(run.status);
      throw new AppFailure(
        'conflict',
        training
          ? `Run ${runId} is ${run.status}: a snapshot can be taken from a checkpoint when it has finished`
          : `Run ${runId} has a worker now (finishing, evaluating, or taking another snapshot); try again when it is done`,
      );
    }
    const good = usableCheckpoint(store, runId, checkpointStep, 'to take a snapshot from');
    const job: CaptureJob = {
      id: this.nextId++,
      runId,
      checkpointStep: good.info.step,
      status: 'running',
      stage: 'waiting for a worker',
      done: 0,
      total: 1,
      error: null,
      snapshotId: null,
    };
    const list = this.jobs.get(runId) ?? [];
    list.push(job);
    if (list.length > KEEP_PER_RUN) list.splice(0, list.length - KEEP_PER_RUN);
    this.jobs.set(runId, list);
    const update = (change: Partial<CaptureJob>) => {
      if (job.status !== 'running') return;
      Object.assign(job, change);
      this.events.emit('inspect:job', { ...job });
    };
    this.launch(runId, good.info.id, {
      progress: (stage, done, total) => update({ stage, done, total }),
      snapshot: (summary) => update({ snapshotId: summary.id }),
      end: (error) => {
        if (error === null && job.snapshotId === null) error = 'The worker ended without a snapshot';
        update(
          error === null
            ? { status: 'completed', stage: 'done', done: job.total }
            : { status: 'failed', stage: 'failed', error },
        );
      },
    });
    this.events.emit('inspect:job', { ...job });
    return { ...job };
  }
}
