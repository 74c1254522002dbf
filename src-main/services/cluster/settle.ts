/**
 * What a poll of Slurm means for a placed run (issue 15): a job's state as Slurm reports it
 * (pending, running) shows on the run while the job lives; when the job has ended, its journal's
 * `done` or `failed` is the truth, and a job that ended without one (killed, node failure, time
 * limit, purged) fails the run, or stops it when the user had asked to stop, resumable from its
 * stored checkpoint either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLURM_STATES, isActiveSlurmState, parseSlurmState } from '@shared/cluster/types';
import type { LogLevel, RunStatus } from '@shared/runs';
import type { SlurmJobInfo } from '../../cluster/slurm';
import type { JobRecord, RemoteRunRecord } from '../../storage/cluster.repo';
import type { RunStore } from '../../storage/store';
import { readJournal } from '../../workers/journal/journal-reader';
import type { EventBus } from '../event-bus';

export interface SettleDeps {
  store: RunStore;
  events: EventBus;
}

/** How a job Slurm no longer knows (purged after MinJobAge) is recorded. */
export const UNKNOWN_STATE = 'UNKNOWN';

/** Run statuses a job may still change; any other is final (the journal or the user ended it). */
const LIVE: readonly RunStatus[] = ['queued', 'running', 'stopping'];

/** Whether the job is over: Slurm ended it, or no longer knows it. */
export function hasEnded(state: string): boolean {
  return state === UNKNOWN_STATE || !isActiveSlurmState(state);
}

/**
 * Records what Slurm said about a job and shows it on the run: PENDING (or requeued) queues the
 * run, with Slurm's reason in its log once per reason; RUNNING marks it running. A run the journal
 * or the user has ended, or one that is stopping, keeps its status. Returns whether anything changed.
 */
export function observeJob(
  deps: SettleDeps,
  job: JobRecord,
  info: SlurmJobInfo | undefined,
  now = Date.now(),
): boolean {
  const { store } = deps;
  const seen = info
    ? {
        state: info.state,
        node: info.node,
        reason: info.reason,
        exitCode: info.exitCode,
        restarts: info.restarts,
        startedAt: info.startedAt,
        endedAt: info.endedAt,
      }
    : { state: UNKNOWN_STATE, reason: 'Slurm no longer knows the job (purged after it ended)' };
  const changed =
    seen.state !== job.state ||
    (info !== undefined &&
      (info.node !== job.node ||
        info.reason !== job.reason ||
        info.exitCode !== job.exitCode ||
        info.restarts !== job.restarts));
  store.database.transaction(() => {
    store.cluster.observeJob(job.id, { ...seen, polledAt: now });
    if (!changed || !isNewest(store, job)) return;
    const known = parseSlurmState(seen.state);
    const wanted = known === undefined ? undefined : SLURM_STATES[known].run;
    const status = store.runs.summary(job.runId)?.status;
    if (wanted === 'queued' && (status === 'queued' || status === 'running')) {
      const reason = seen.reason && seen.reason !== 'None' ? ` (${seen.reason})` : '';
      if (job.state !== seen.state || job.reason !== seen.reason)
        log(deps, job.runId, 'info', `Slurm job ${job.jobId} is ${seen.state.toLowerCase()}${reason}`);
      if (status === 'running') store.runs.setStatus(job.runId, { status: 'queued' });
    } else if (wanted === 'running' && status === 'queued') {
      store.runs.setStatus(job.runId, { status: 'running' });
    }
  })();
  if (changed) emitJob(deps, job);
  return changed;
}

/**
 * Applies the end of a job whose journal was read to its last complete line: the journal's end
 * stands when it has one (the run's status is final); otherwise the run fails, or stops after a
 * user's stop request, with Slurm's state, exit code and node in the message. Only the run's
 * newest job decides its status; an older one is just marked settled.
 */
export function settleJob(
  deps: SettleDeps,
  job: JobRecord,
  remote: RemoteRunRecord | undefined,
  now = Date.now(),
): { runId: number; status: RunStatus; message?: string } | undefined {
  const { store } = deps;
  // The run folder is read before the write lock is taken (shared storage may be slow).
  let output = '';
  if (remote && decides(store, job)) {
    const waiting = unreadJournal(remote);
    if (waiting !== undefined) {
      // Without the journal's last lines a finished run would read as failed: wait for them.
      if (waiting !== '' && waitingSaid.get(job.id) !== waiting) {
        waitingSaid.set(job.id, waiting);
        log(deps, job.runId, 'warn', `Slurm job ${job.jobId} has ended; its run is settled once ${waiting}`);
      }
      return undefined;
    }
    if (remote.stopRequestedAt == null) output = outputTail(remote, job.jobId);
  }
  waitingSaid.delete(job.id);
  const ended = store.database.transaction(() => {
    store.cluster.settleJob(job.id);
    if (!isNewest(store, job)) return undefined;
    const summary = store.runs.summary(job.runId);
    if (!summary || !LIVE.includes(summary.status)) return undefined;
    const seen = store.cluster.job(job.id) ?? job;
    const stopped = remote?.stopRequestedAt != null;
    const message = `${describeEnd(seen)}${stopped ? ' after the stop request' : ''}; ${resumeNote(store, job.runId)}${stopped ? '' : output}`;
    const status: RunStatus = stopped ? 'stopped' : 'failed';
    log(deps, job.runId, stopped ? 'warn' : 'error', message);
    store.runs.setStatus(job.runId, {
      status,
      error: stopped ? null : message,
      endedAt: seen.endedAt ?? now,
      ownerPid: null,
    });
    return { runId: job.runId, status, message };
  })();
  emitJob(deps, job);
  return ended;
}

/** What this process last said about a job waiting for its run folder (each wait said once). */
const waitingSaid = new Map<number, string>();

/** Whether the job's end would decide its run's status (checked again inside the transaction). */
function decides(store: RunStore, job: JobRecord): boolean {
  const status = store.runs.summary(job.runId)?.status;
  return status !== undefined && LIVE.includes(status) && isNewest(store, job);
}

/**
 * Why the run's journal is not read to its end yet: '' when it has complete lines the ingest has
 * not applied (held back for a retry), the reason when its run folder cannot be read from here;
 * undefined when it is read to the end.
 */
function unreadJournal(remote: RemoteRunRecord): string | undefined {
  try {
    const rest = readJournal(remote.runDir, remote.journalOffset, 64 * 1024);
    return rest.entries.length > 0 || rest.bad.length > 0 ? '' : undefined;
  } catch (error) {
    return `its run folder can be read here again (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** `Slurm job 12 ended NODE_FAIL on vm (exit 0:9)`. */
export function describeEnd(job: JobRecord): string {
  const where = job.node ? ` on ${job.node}` : '';
  const exit = job.exitCode ? ` (exit ${job.exitCode})` : '';
  const state = job.state === UNKNOWN_STATE ? `${UNKNOWN_STATE} (Slurm no longer knows it)` : job.state;
  return `Slurm job ${job.jobId} ended ${state}${where}${exit}`;
}

/**
 * The end of the job's output (`slurm-J.out` in the run folder, `slurm-A_T.out` for a task of an
 * array; what a task wrote before its script redirected it is in the profile's run folder): why a job died before its worker wrote, e.g. a
 * node command that is missing or a setup line that failed.
 */
function outputTail(remote: RemoteRunRecord, jobId: string, lines = 5): string {
  const name = `slurm-${jobId}.out`;
  for (const dir of [remote.runDir, remote.settings.runFolder]) {
    try {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      const text = readFileSync(path, 'utf8').trimEnd();
      if (text === '') return '';
      return `\nThe end of ${name}:\n${text.split('\n').slice(-lines).join('\n')}`;
    } catch {
      return '';
    }
  }
  return '';
}

function resumeNote(store: RunStore, runId: number): string {
  const last = store.checkpoints.list(runId).at(-1);
  return last
    ? `resume continues from the checkpoint of step ${last.step}`
    : 'it has no checkpoint: resume starts it again from the beginning';
}

function isNewest(store: RunStore, job: JobRecord): boolean {
  return store.cluster.currentJob(job.runId)?.id === job.id;
}

function log(deps: SettleDeps, runId: number, level: LogLevel, message: string): void {
  if (!deps.store.runs.summary(runId)) return;
  const line = deps.store.logs.append(runId, level, message);
  deps.events.emit('run:log', { runId, lines: [line] });
}

/** The job's row of the Cluster view; the run's header shows its state too. */
export function emitJob(deps: SettleDeps, job: JobRecord): void {
  const row = deps.store.cluster.jobs({ runId: job.runId }).find((candidate) => candidate.id === job.id);
  if (row) deps.events.emit('cluster:job', row);
  if (isNewest(deps.store, job)) {
    const summary = deps.store.runs.summary(job.runId);
    if (summary) deps.events.emit('run:status', summary);
  }
}
