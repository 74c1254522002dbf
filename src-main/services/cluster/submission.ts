/**
 * The parts of a placed run's submission (cluster-runs.ts) that stand on their own: its folder on
 * the shared storage with job.json, the job of an sbatch that did not answer in time, and what
 * the runs are told (status, log lines, job rows) as events.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlurmError, type SlurmClient } from '../../cluster/slurm';
import type { LogLevel } from '@shared/runs';
import type { RemoteRunRecord } from '../../storage/cluster.repo';
import type { RunStatusChange } from '../../storage/runs.repo';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import {
  CHECKPOINT_DIR,
  JOB_FILE,
  JOURNAL_FILE,
  SNAPSHOT_DIR,
  STOP_FILE,
  type RemoteJob,
} from '../../workers/journal/format';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The profile's run folder is missing here: its shared storage is most likely not mounted. */
export class UnmountedFolder extends Error {
  constructor(folder: string) {
    super(`The run folder ${folder} does not exist on this machine: is the shared storage mounted?`);
  }
}

/**
 * job.json for this start; a fresh start clears what an earlier training left in the folder (its
 * journal, checkpoints and snapshots) and reads the new journal from its first byte. A resume
 * keeps them: the worker continues from its journal's newest checkpoint that verifies.
 */
export function prepareRunFolder(
  store: RunStore,
  remote: RemoteRunRecord,
  resume: boolean,
  resourcesDir: string,
): void {
  const config = store.runs.config(remote.runId);
  const summary = store.runs.summary(remote.runId);
  if (!config || !summary) throw new Error('the run is gone');
  // The profile's folder is the shared storage's: creating it would put the run on this
  // machine's disk under an unmounted mount point, where no node ever sees it.
  const folder = remote.settings.runFolder;
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UnmountedFolder(folder);
  if (!existsSync(remote.runDir)) mkdirSync(remote.runDir);
  if (!resume) {
    for (const name of [JOURNAL_FILE, CHECKPOINT_DIR, SNAPSHOT_DIR])
      rmSync(join(remote.runDir, name), { recursive: true, force: true });
    store.cluster.resetJournal(remote.runId);
  }
  rmSync(join(remote.runDir, STOP_FILE), { force: true });
  store.cluster.setStopRequested(remote.runId, null);
  const job: RemoteJob = {
    version: 1,
    runId: remote.runId,
    name: summary.name,
    config,
    resourcesDir,
    requeue: remote.settings.requeue,
    createdAt: Date.now(),
  };
  writeFileSync(join(remote.runDir, JOB_FILE), `${JSON.stringify(job, null, 2)}\n`);
}

/**
 * An sbatch that did not answer in time may still have been taken by the controller: the job
 * Slurm lists under the submission's name (and not one of these runs' earlier jobs) is its job.
 * Undefined when sbatch failed otherwise, or Slurm lists none.
 */
export async function jobAfterTimeout(
  { store, slurm }: { store: RunStore; slurm: Pick<SlurmClient, 'findByName'> },
  error: unknown,
  name: string,
  group: readonly RemoteRunRecord[],
  warn: (runId: number, text: string) => void,
): Promise<string | undefined> {
  if (!(error instanceof SlurmError && error.timedOut)) return undefined;
  const known = new Set(
    group.flatMap((remote) =>
      store.cluster.jobs({ runId: remote.runId }).flatMap((job) => [job.jobId, job.arrayJobId ?? job.jobId]),
    ),
  );
  let ids: string[];
  try {
    ids = (await slurm.findByName(name)).filter((id) => !known.has(id));
  } catch (lookup) {
    for (const remote of group)
      warn(remote.runId, `Cannot ask Slurm for a job named ${name}: ${message(lookup)}`);
    return undefined;
  }
  const newest = ids.sort((a, b) => Number(b) - Number(a))[0];
  if (newest !== undefined)
    for (const remote of group)
      warn(
        remote.runId,
        `${message(error)}; Slurm lists job ${newest} named ${name}: that is this submission's job`,
      );
  return newest;
}

/** A placed run's status changes, log lines and job rows, stored and announced; a run that is gone hears nothing. */
export class RunReport {
  constructor(
    private readonly store: RunStore,
    private readonly events: EventBus,
  ) {}

  finish(runId: number, change: RunStatusChange): void {
    this.setStatus(runId, { ...change, endedAt: Date.now(), ownerPid: null });
  }

  setStatus(runId: number, change: RunStatusChange): void {
    if (!this.store.runs.summary(runId)) return;
    this.store.runs.setStatus(runId, change);
    this.emitStatus(runId);
  }

  emitStatus(runId: number): void {
    const summary = this.store.runs.summary(runId);
    if (summary) this.events.emit('run:status', summary);
  }

  emitJob(runId: number): void {
    const [job] = this.store.cluster.jobs({ runId, limit: 1 });
    if (job) this.events.emit('cluster:job', job);
  }

  log(runId: number, level: LogLevel, text: string): void {
    if (!this.store.runs.summary(runId)) return;
    const line = this.store.logs.append(runId, level, text);
    this.events.emit('run:log', { runId, lines: [line] });
  }
}
