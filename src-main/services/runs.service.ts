import type { CallHandlers } from '@shared/api/contract';
import { runConfigSchema, type RunConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import type { CheckpointInfo, RunStatus, RunSummary } from '@shared/runs';
import { describeIssues, fieldMessages } from '@shared/validation';
import { assertDatasetPaths } from '../datasets/check-paths';
import { decodeCheckpoint } from '../ml/checkpoint/format';
import type { RunStore } from '../storage/store';
import type { Lease } from '../storage/leases.repo';
import type { InspectCalls } from './inspect.service';
import type { CompareCalls } from './compare.service';
import { isPendingState } from './cluster/cluster-runs';
import { placeRuns, placementProfile } from './cluster/placement';
import type { EventBus } from './event-bus';
import { describeHost } from './reclaim';
import type { Supervisor } from './supervisor';

type RunCalls = Omit<
  CallHandlers,
  | 'system:info'
  | 'evaluations:list'
  | 'evaluations:start'
  | keyof CompareCalls
  | keyof InspectCalls
  | `studies:${string}`
  | `cost:${string}`
  | `cluster:${string}`
>;

/** Statuses from which `runs:start` (re)starts a run; a completed run is kept as it is. */
const RESTARTABLE: readonly RunStatus[] = ['created', 'stopped', 'failed', 'interrupted'];

/** Statuses a run can be resumed from. */
export const RESUMABLE: readonly RunStatus[] = ['stopped', 'failed', 'interrupted'];

/**
 * Continues a run from its newest checkpoint that verifies and decodes (older ones are tried
 * when the newest is corrupt). Metrics after that step are dropped so the series continues
 * without duplicated or missing steps (a placed run's, when its new job says where it resumed).
 */
export function resumeRun(
  store: RunStore,
  supervisor: Pick<Supervisor, 'enqueue'>,
  run: RunSummary,
): CheckpointInfo {
  if (!RESUMABLE.includes(run.status)) {
    throw new AppFailure(
      'conflict',
      `Run ${run.id} is ${run.status}; only stopped, failed or interrupted runs can be resumed`,
    );
  }
  const good = store.checkpoints.latestGood(
    run.id,
    (data) => decodeCheckpoint(data),
    (info, reason) =>
      store.logs.append(run.id, 'warn', `Skipping the checkpoint of step ${info.step}: ${reason}`),
  );
  if (!good) {
    throw new AppFailure(
      'conflict',
      `Run ${run.id} has no usable checkpoint to resume from; start it again instead`,
    );
  }
  // A placed run is not rewound here: its worker resumes from its journal's newest verified
  // checkpoint (which may be newer than the host's), and that job's `segment` line rewinds the
  // metrics when it is read. Rewinding to an older checkpoint here would drop steps the worker
  // does not train again.
  if (!store.cluster.remoteRun(run.id)) store.runs.rewindTo(run.id, good.info.step);
  supervisor.enqueue(run.id, { resumeFromCheckpointId: good.info.id });
  return good.info;
}

/** Validates a user's run configuration, with one message per offending field. */
export function parseRunConfig(input: unknown): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) {
    const summary = describeIssues(parsed.error);
    throw new AppFailure(
      'invalid-input',
      `The run configuration is not valid (${summary})`,
      fieldMessages(parsed.error),
    );
  }
  return parsed.data;
}

/**
 * Queues a run that has not started, or starts a stopped, failed or interrupted one again from
 * scratch (its previous series cleared). A completed run is kept as it is.
 */
export function startRun(store: RunStore, supervisor: Pick<Supervisor, 'enqueue'>, run: RunSummary): void {
  if (!RESTARTABLE.includes(run.status)) {
    throw new AppFailure('conflict', `Run ${run.id} is ${run.status}; it cannot be started now`);
  }
  if (run.status !== 'created') {
    // A restart trains from scratch: the old series would otherwise mix with the new one.
    store.runs.resetForRestart(run.id);
    store.logs.append(run.id, 'info', `Restarted from scratch (was ${run.status})`);
  }
  supervisor.enqueue(run.id);
}

/**
 * Deletes a run with everything it owns, unless a worker (of any host) holds it: a queued run
 * leaves the queue first; a running one must be stopped first. Emits `run:deleted`.
 */
export function deleteRun(store: RunStore, supervisor: Supervisor, events: EventBus, runId: number): void {
  const refuse = (lease: Lease) => {
    const what = lease.evaluationId === null ? 'trains' : `evaluates (evaluation ${lease.evaluationId})`;
    const owner =
      lease.hostToken === supervisor.host.token ? 'this host' : describeHost(lease.ownerKind, lease.ownerPid);
    const message = `Run ${runId} cannot be deleted: ${owner} ${what} it now; stop it first`;
    return new AppFailure('conflict', message);
  };
  const held = supervisor.lease(runId);
  if (held) throw refuse(held);
  // A placed run being submitted (by any host) gets its job id any moment: deleted now, that job
  // would train for nobody.
  if (store.cluster.remoteRun(runId)?.submittingSince != null)
    throw new AppFailure(
      'conflict',
      `Run ${runId} cannot be deleted: it is being submitted to Slurm now; try again in a moment`,
    );
  // A placed run's job that started trains on a node: its worker would write on for nobody.
  const job = store.cluster.currentJob(runId);
  if (job && !job.settled && !isPendingState(job.state))
    throw new AppFailure(
      'conflict',
      `Run ${runId} cannot be deleted: Slurm job ${job.jobId} holds it now; stop it first`,
    );
  if (supervisor.isQueued(runId)) supervisor.stop(runId);
  // Checked again in the same write transaction as the delete: another host may claim it meanwhile.
  store.database
    .transaction(() => {
      const lease = supervisor.lease(runId);
      if (lease) throw refuse(lease);
      store.runs.delete(runId);
    })
    .immediate();
  events.emit('run:deleted', { runId });
}

/** The run calls of the contract, over the store and the supervisor. */
export function createRunHandlers(store: RunStore, supervisor: Supervisor, events: EventBus): RunCalls {
  const existingRun = (runId: number): RunSummary => {
    const run = store.runs.summary(runId);
    if (!run) throw new AppFailure('not-found', `Run ${runId} does not exist`);
    return run;
  };

  return {
    'runs:list': ({ status, limit }) => store.runs.list({ statuses: status, limit }),
    'runs:get': ({ runId }) => {
      const detail = store.runs.detail(runId);
      if (!detail) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      return { ...detail, checkpoints: store.checkpoints.list(runId) };
    },
    'runs:create': ({ config, start, profileId }) => {
      const parsed = parseRunConfig(config);
      assertDatasetPaths(parsed.dataset); // before the run row: a missing folder writes nothing
      const profile = placementProfile(store, profileId);
      const run = store.database.transaction(() => {
        const created = store.runs.create(parsed);
        if (profile) placeRuns(store, [created.id], profile);
        return created;
      })();
      events.emit('run:status', existingRun(run.id));
      if (start) supervisor.enqueue(run.id);
      return existingRun(run.id);
    },
    'runs:start': ({ runId }) => {
      startRun(store, supervisor, existingRun(runId));
      return existingRun(runId);
    },
    'runs:resume': ({ runId }) => {
      resumeRun(store, supervisor, existingRun(runId));
      return existingRun(runId);
    },
    'runs:stop': ({ runId }) => {
      const run = existingRun(runId);
      // Wherever the run is: this host's queue or worker, or another host's (asked through its lease).
      if (supervisor.stop(runId) === 'idle') {
        throw new AppFailure(
          'conflict',
          `Run ${runId} is ${run.status}; only a queued or running run can be stopped`,
        );
      }
      return existingRun(runId);
    },
    'runs:delete': ({ runId }) => {
      existingRun(runId);
      deleteRun(store, supervisor, events, runId);
      return { runId };
    },
    'runs:logs': ({ runId, afterId, limit }) => {
      existingRun(runId);
      return store.logs.list(runId, afterId, limit);
    },
    'metrics:names': ({ runId }) => {
      existingRun(runId);
      return store.metrics.names(runId);
    },
    'metrics:series': ({ runId, names, afterStep }) => {
      existingRun(runId);
      return names.map((name) => store.metrics.series(runId, name, afterStep));
    },
  };
}
