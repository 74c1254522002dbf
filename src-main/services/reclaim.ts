import type { HostRecord, Lease, Reclaimed } from '../storage/leases.repo';
import type { RunStore } from '../storage/store';
import { failEvaluation } from './evaluation-messages';
import type { SupervisorContext } from './run-messages';

/** The launch options a queue entry carries (JSON in `run_queue.options_json`). */
export interface QueuedOptions {
  resumeFromCheckpointId?: number;
  evaluation?: { id: number };
}

const HOST_NAMES: Record<string, string> = { electron: 'desktop app', serve: 'serve host', cli: 'CLI' };

/** `the serve host (process 1234)`: how messages name a host. */
export function describeHost(kind: string, pid: number): string {
  return `the ${HOST_NAMES[kind] ?? `${kind} host`} (process ${pid})`;
}

/** Who is sweeping, for the wording of what it finds. */
export interface Sweeper {
  kind: string;
  pid: number;
  /** True on the sweep a host makes as it opens the file. */
  starting: boolean;
  /** Runs whose workers the sweeping host runs (they are never orphans). */
  activeRunIds: readonly number[];
}

/**
 * Why a run lost its worker: found when a host starts (the previous one ended), or found by a
 * host that kept running while the owner died; both name the owner.
 */
export function interruptionReason(lease: Pick<Lease, 'ownerKind' | 'ownerPid'>, sweeper: Sweeper): string {
  const owner = describeHost(lease.ownerKind, lease.ownerPid);
  return sweeper.starting
    ? `Interrupted: ${owner} that trained this run ended while it was in progress (found when ${describeHost(sweeper.kind, sweeper.pid)} opened the database)`
    : `Interrupted: ${owner} that trained this run ended while it was in progress; ${describeHost(sweeper.kind, sweeper.pid)} kept running and took the run back`;
}

/**
 * Applies a sweep's findings inside its transaction: runs of dead leases become `interrupted`,
 * their evaluations fail, and exclusive entries of dead hosts leave the queue (back to `created`).
 * Returns the runs whose status changed, for events after the commit.
 */
export function applyReclaimed(
  store: RunStore,
  reclaimed: Reclaimed,
  sweeper: Sweeper,
  now = Date.now(),
): { interrupted: number[]; requeued: number[]; evaluations: Array<{ id: number; error: string }> } {
  const interrupted: number[] = [];
  const requeued: number[] = [];
  const evaluations: Array<{ id: number; error: string }> = [];
  const { leases } = store;
  const markInterrupted = (runId: number, reason: string) => {
    if (!leases.interruptRun(runId, reason, now)) return;
    interrupted.push(runId);
    store.logs.append(runId, 'warn', reason, now);
  };
  for (const lease of reclaimed.leases) {
    const reason = interruptionReason(lease, sweeper);
    if (lease.evaluationId !== null) evaluations.push({ id: lease.evaluationId, error: reason });
    else markInterrupted(lease.runId, reason);
  }
  // A run marked running with no lease lost its worker without anyone releasing it properly
  // (a host that could not write its last status, or a file from before leases).
  const unleased = leases.unleasedActiveRuns().filter((row) => !sweeper.activeRunIds.includes(row.runId));
  for (const row of unleased) {
    const owner = row.ownerPid === null ? 'its host' : `the host process ${row.ownerPid}`;
    markInterrupted(row.runId, `Interrupted: ${owner} stopped while this run was in progress`);
  }
  if (sweeper.starting) {
    // An evaluation with neither a worker lease nor a queue entry lost its host before either was
    // written (or comes from a file of an older version): it can never finish.
    for (const id of leases.orphanEvaluationIds())
      evaluations.push({ id, error: 'Interrupted: the host that ran this evaluation ended' });
  }
  for (const entry of reclaimed.entries) {
    const host = reclaimed.hosts.find((candidate) => candidate.token === entry.hostToken);
    const who = host ? describeHost(host.kind, host.pid) : 'the host that queued it';
    const evaluationId = (entry.options as QueuedOptions).evaluation?.id;
    if (evaluationId !== undefined) {
      evaluations.push({ id: evaluationId, error: `Cancelled: ${who} ended before it started` });
    } else if (leases.returnToCreated(entry.runId)) {
      requeued.push(entry.runId);
      store.logs.append(entry.runId, 'warn', `Left the queue: ${who} that queued it ended first`, now);
    }
  }
  return { interrupted, requeued, evaluations };
}

/** After the commit: events for what a sweep changed, and failed evaluations. */
export function announceReclaimed(
  context: SupervisorContext,
  changed: ReturnType<typeof applyReclaimed>,
): void {
  for (const runId of [...changed.interrupted, ...changed.requeued]) context.emitStatus(runId);
  for (const { id, error } of changed.evaluations) failEvaluation(context, id, error);
}

/** Signal 0 checks that a process exists without touching it (EPERM: it exists, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes back what dead hosts held (a host is dead when its pid is gone or its heartbeat is older
 * than `staleBefore`), announces it, and returns the runs it marked interrupted.
 */
export function sweepDeadHosts(
  context: SupervisorContext,
  store: RunStore,
  sweeper: Sweeper & Pick<HostRecord, 'token'>,
  options: { staleBefore: number; isAlive?: (pid: number) => boolean },
): number[] {
  // Our own pid cannot belong to another host: a row with it is left from a dead one.
  const isAlive = options.isAlive ?? ((pid: number) => pid !== process.pid && isProcessAlive(pid));
  let changed: ReturnType<typeof applyReclaimed> | undefined;
  store.leases.reclaimDead(
    sweeper.token,
    { isAlive, staleBefore: options.staleBefore },
    (reclaimed) => (changed = applyReclaimed(store, reclaimed, sweeper)),
  );
  if (changed) announceReclaimed(context, changed);
  return changed?.interrupted ?? [];
}
