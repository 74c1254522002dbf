/**
 * Runs placed on a Slurm profile (issue 15), from the host's side: submission (job.json in the
 * run's folder, then one `sbatch` per profile, a job array when several runs go together) and
 * stop (a pending job is cancelled; a running one gets `stop-requested` and SIGTERM, and the
 * poller kills it after the profile's grace period). What the job reports comes back through its
 * journal (journal-ingest.ts, poller.ts); nothing here waits for the job.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLURM_STATES, parseSlurmState, type SlurmProfileSettings } from '@shared/cluster/types';
import type { RunStatus } from '@shared/runs';
import { jobScript, type SlurmClient } from '../../cluster/slurm';
import type { RemoteRunRecord } from '../../storage/cluster.repo';
import type { RunStore } from '../../storage/store';
import { STOP_FILE } from '../../workers/journal/format';
import type { EventBus } from '../event-bus';
import type { RemotePlacement, RemoteSubmission } from './remote-placement';
import { jobAfterTimeout, prepareRunFolder, RunReport, UnmountedFolder } from './submission';

export interface ClusterRunsOptions {
  store: RunStore;
  events: EventBus;
  slurm: SlurmClient;
  /** The resources folder written into job.json (it must be on storage the nodes see). */
  resourcesDir: string;
  /** This installation's built cli.js: what a profile with an empty `cliPath` runs on the nodes. */
  cliEntry?: string;
  /** How long a submission waits for the poller to settle the run's previous job (a quick resume). */
  previousJobWaitMs?: number;
  /** Where the host says what concerns no run (its terminal); default console.error. */
  notify?: (line: string) => void;
}

const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'stopping'];

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether Slurm's state word means the job waits to start (PENDING, REQUEUED, ...). */
export const isPendingState = (state: string) => {
  const known = parseSlurmState(state);
  return known !== undefined && SLURM_STATES[known].run === 'queued';
};

export class ClusterRuns implements RemotePlacement {
  /** Runs between `submit` and their job's row: busy, and queued as far as anyone asks. */
  private readonly submitting = new Map<number, object>();
  /** Runs stopped while being submitted: their job is cancelled as soon as Slurm names it. */
  private readonly stopAfterSubmit = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The host is closing: a submission waiting for a previous job gives up. */
  private closing = false;

  /** The runs' status, log and job events. */
  private readonly report: RunReport;

  constructor(private readonly options: ClusterRunsOptions) {
    this.report = new RunReport(options.store, options.events);
  }

  isPlaced(runId: number): boolean {
    return this.options.store.cluster.remoteRun(runId) !== undefined;
  }

  isBusy(runId: number): boolean {
    if (this.submitting.has(runId)) return true;
    const job = this.options.store.cluster.currentJob(runId);
    return job !== undefined && !job.settled;
  }

  /** This host is submitting the run now (sbatch has not answered, or its job is not recorded yet). */
  isSubmitting(runId: number): boolean {
    return this.submitting.has(runId);
  }

  isQueued(runId: number): boolean {
    if (this.submitting.has(runId)) return true;
    const job = this.options.store.cluster.currentJob(runId);
    return job !== undefined && !job.settled && isPendingState(job.state);
  }

  submit(entries: readonly RemoteSubmission[]): Promise<void> {
    const accepted = entries.filter((entry) => this.accepts(entry.runId));
    if (accepted.length === 0) return Promise.resolve();
    // Each submission marks its runs with its own token: a run it let go early (failed, or its job
    // recorded) and that was submitted again belongs to the newer submission.
    const token = {};
    for (const { runId } of accepted) this.submitting.set(runId, token);
    // Never rejects: the Supervisor does not wait for it, and a rejection nobody handles ends the host.
    const work = this.submitAccepted(accepted)
      .catch((error: unknown) => this.submissionFailed(accepted, token, error))
      .finally(() => {
        for (const { runId } of accepted) if (this.submitting.get(runId) === token) this.release(runId);
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
    return work;
  }

  stop(runId: number): 'dequeued' | 'stopping' | 'idle' {
    const { store } = this.options;
    if (this.submitting.has(runId)) {
      this.stopAfterSubmit.add(runId);
      this.report.finish(runId, { status: 'stopped' });
      return 'dequeued';
    }
    const job = store.cluster.currentJob(runId);
    const remote = store.cluster.remoteRun(runId);
    const status = store.runs.summary(runId)?.status;
    if (!job || job.settled || !remote || status === undefined || !ACTIVE.includes(status)) return 'idle';
    // Before Slurm signals anything: the worker reads it as the user's stop, not a preemption.
    this.requestStop(remote);
    if (isPendingState(job.state) && status === 'queued') {
      // The stored state is a poll behind: the job may have started meanwhile. Cancel it only while
      // Slurm still holds it (scancel --state=PENDING) and signal it too (a pending job ignores the
      // signal; a started worker saves its stop checkpoint). The poller settles the run as stopped.
      this.report.log(runId, 'info', `Asked Slurm to cancel job ${job.jobId} before it starts`);
      this.report.setStatus(runId, { status: 'stopping' });
      // One after the other: a signal reaching a job still pending would end it FAILED.
      this.cancel(runId, job.jobId, { onlyPending: true }, { signal: 'TERM' });
      return 'stopping';
    }
    if (status !== 'stopping') {
      const grace = remote.settings.stopGraceSeconds;
      this.report.log(
        runId,
        'info',
        `Asked Slurm job ${job.jobId} to stop (SIGTERM); it is cancelled after ${grace} s`,
      );
      this.report.setStatus(runId, { status: 'stopping' });
    }
    this.cancel(runId, job.jobId, { signal: 'TERM' });
    return 'stopping';
  }

  /** A bug or a store error in a submission: its runs still marked as submitted by it fail. */
  private submissionFailed(entries: readonly RemoteSubmission[], token: object, error: unknown): void {
    const ids = entries.map((entry) => entry.runId);
    this.notify(
      `Submitting run${ids.length > 1 ? 's' : ''} ${ids.join(', ')} to Slurm failed: ${message(error)}`,
    );
    for (const { runId } of entries) {
      if (this.submitting.get(runId) !== token || this.stopAfterSubmit.has(runId)) continue;
      try {
        if (this.options.store.runs.summary(runId)?.status === 'queued')
          this.fail(runId, `Submission to Slurm failed: ${message(error)}`);
      } catch (failure) {
        this.notify(`Cannot mark run ${runId} failed: ${message(failure)}`);
      }
    }
  }

  /** Waits for submissions under way (the host is closing). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.inFlight]);
  }

  private accepts(runId: number): boolean {
    const status = this.options.store.runs.summary(runId)?.status;
    return (
      status !== undefined && !ACTIVE.includes(status) && !this.submitting.has(runId) && this.isPlaced(runId)
    );
  }

  private async submitAccepted(entries: readonly RemoteSubmission[]): Promise<void> {
    const { store } = this.options;
    // A run resumed right after it stopped may still have its job in Slurm (the worker exiting):
    // its status stays as it is until the poller has applied that job's end.
    const waiting = entries.filter((entry) => this.isSettling(entry.runId));
    for (const entry of entries) if (!waiting.includes(entry)) this.markQueued(entry.runId);
    const ready = [...entries.filter((entry) => !waiting.includes(entry))];
    if (waiting.length > 0) {
      const deadline = Date.now() + (this.options.previousJobWaitMs ?? 60_000);
      const pending = () => waiting.some((entry) => this.isSettling(entry.runId));
      while (pending() && !this.closing && Date.now() < deadline) await sleep(200);
      for (const entry of waiting) {
        if (this.stopAfterSubmit.has(entry.runId)) continue;
        if (this.isSettling(entry.runId)) {
          // The run keeps the status it ended with: nothing was submitted.
          const job = store.cluster.currentJob(entry.runId);
          const why = this.closing
            ? 'the host closed'
            : `its previous Slurm job ${job?.jobId ?? ''} has not ended yet`;
          this.report.log(entry.runId, 'warn', `Not submitted: ${why}; resume it again`);
          this.release(entry.runId);
          continue;
        }
        this.markQueued(entry.runId);
        ready.push(entry);
      }
    }
    const prepared = ready.flatMap((entry) => {
      if (this.stopAfterSubmit.has(entry.runId)) return [];
      const remote = store.cluster.remoteRun(entry.runId);
      if (!remote) return [];
      try {
        prepareRunFolder(store, remote, entry.resume, this.options.resourcesDir);
        return [remote];
      } catch (error) {
        const text =
          error instanceof UnmountedFolder
            ? error.message
            : `Cannot prepare the run folder ${remote.runDir}: ${message(error)}`;
        this.fail(entry.runId, text);
        return [];
      }
    });
    // Runs placed with the same settings go together: one job array per profile.
    const groups = new Map<string, RemoteRunRecord[]>();
    for (const remote of prepared) {
      const key = JSON.stringify(remote.settings);
      groups.set(key, [...(groups.get(key) ?? []), remote]);
    }
    await Promise.all([...groups.values()].map((group) => this.submitGroup(group)));
  }

  /** The run's newest job has not been settled, though the run itself no longer counts as active. */
  private isSettling(runId: number): boolean {
    const job = this.options.store.cluster.currentJob(runId);
    return job !== undefined && !job.settled;
  }

  private markQueued(runId: number): void {
    const { store } = this.options;
    const remote = store.cluster.remoteRun(runId);
    if (!remote || !store.runs.summary(runId)) return;
    // With the mark that it is being submitted: a host that dies before its job is recorded leaves
    // the mark, and the poller of any host makes the run interrupted after a while.
    store.database.transaction(() => {
      store.runs.setStatus(runId, {
        status: 'queued',
        error: null,
        endedAt: null,
        exitCode: null,
        exitSignal: null,
        ownerPid: null,
      });
      store.cluster.setSubmitting(runId, Date.now());
    })();
    this.report.emitStatus(runId);
    this.report.log(runId, 'info', `Submitting to Slurm (profile ${remote?.profileName ?? '?'})`);
  }

  private async submitGroup(group: readonly RemoteRunRecord[]): Promise<void> {
    const { store, slurm } = this.options;
    const settings: SlurmProfileSettings = group[0]!.settings;
    const cliPath = settings.cliPath || this.options.cliEntry;
    if (!cliPath) {
      for (const remote of group)
        this.fail(
          remote.runId,
          `Profile ${settings.name} names no cliPath and this host has no built cli.js`,
        );
      return;
    }
    const ids = group.map((remote) => remote.runId);
    const name =
      ids.length === 1 ? `decorbench-run-${ids[0]}` : `decorbench-runs-${ids.join('-')}`.slice(0, 100);
    let jobId: string;
    try {
      const script = jobScript({
        profile: settings,
        name,
        runDirs: group.map((remote) => remote.runDir),
        cliPath,
        outputDir: group.length === 1 ? group[0]!.runDir : settings.runFolder,
      });
      ({ jobId } = await slurm.submit(script));
    } catch (error) {
      const found = await jobAfterTimeout(this.options, error, name, group, (runId, text) =>
        this.report.log(runId, 'warn', text),
      );
      if (found === undefined) {
        for (const remote of group) {
          if (this.stopAfterSubmit.has(remote.runId)) continue;
          this.fail(remote.runId, `Slurm did not take the job: ${message(error)}`);
        }
        return;
      }
      jobId = found;
    }
    const array = group.length > 1;
    const recorded = group.flatMap((remote, index) => {
      const taskId = array ? `${jobId}_${index}` : jobId;
      try {
        if (!store.runs.summary(remote.runId)) throw new Error('the run is gone');
        store.cluster.addJob(remote.runId, { jobId: taskId, arrayJobId: array ? jobId : null });
        return [{ remote, index }];
      } catch (error) {
        // Deleted while sbatch ran (by another host: this one refuses that), or the store failed:
        // a job nobody follows would train for nobody.
        this.cancelOrphan(remote.runId, taskId, message(error));
        if (store.runs.summary(remote.runId))
          this.fail(remote.runId, `Cannot record Slurm job ${taskId} (${message(error)}): it was cancelled`);
        return [];
      }
    });
    recorded.forEach(({ remote, index }) => {
      // From here the job's row says whether the run is busy.
      if (!this.stopAfterSubmit.has(remote.runId)) this.release(remote.runId);
      this.report.log(
        remote.runId,
        'info',
        array ? `Submitted as task ${index} of Slurm job array ${jobId}` : `Submitted as Slurm job ${jobId}`,
      );
      this.report.emitJob(remote.runId);
      this.report.emitStatus(remote.runId);
    });
    for (const { remote } of recorded) {
      if (!this.stopAfterSubmit.has(remote.runId)) continue;
      // Stopped while sbatch ran: it never trains.
      this.release(remote.runId);
      this.requestStop(remote);
      this.cancel(remote.runId, store.cluster.currentJob(remote.runId)!.jobId);
    }
  }

  private release(runId: number): void {
    this.submitting.delete(runId);
    this.stopAfterSubmit.delete(runId);
    // Its job is recorded (which cleared the mark already), or it was never submitted. Never
    // throws: it runs in the submission's finally.
    try {
      if (this.options.store.runs.summary(runId)) this.options.store.cluster.setSubmitting(runId, null);
    } catch (error) {
      this.notify(`Cannot clear the submission mark of run ${runId}: ${message(error)}`);
    }
  }

  private requestStop(remote: RemoteRunRecord): void {
    try {
      writeFileSync(join(remote.runDir, STOP_FILE), `${new Date().toISOString()}\n`);
    } catch (error) {
      this.report.log(
        remote.runId,
        'warn',
        `Cannot write ${STOP_FILE} in ${remote.runDir}: ${message(error)}`,
      );
    }
    this.options.store.cluster.setStopRequested(remote.runId, Date.now());
  }

  /** Cancels the job of a run that cannot have one (gone), saying so on the host's terminal. */
  private cancelOrphan(runId: number, jobId: string, why: string): void {
    this.release(runId);
    this.notify(
      `Run ${runId} cannot take Slurm job ${jobId} (${why}): cancelling the job (scancel ${jobId})`,
    );
    const work = this.options.slurm
      .cancel(jobId)
      .catch((error: unknown) =>
        this.notify(`Slurm could not cancel job ${jobId}: ${message(error)}; cancel it by hand`),
      )
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private notify(line: string): void {
    if (this.options.notify) this.options.notify(line);
    else console.error(`Decorbench: ${line}`);
  }

  /** Slurm's refusal (the job ended meanwhile, say) is a warning on the run, not an error of the call. */
  private cancel(runId: number, jobId: string, ...steps: { signal?: 'TERM'; onlyPending?: boolean }[]): void {
    const { slurm } = this.options;
    const request =
      steps.length === 0
        ? slurm.cancel(jobId)
        : steps.reduce<Promise<void>>(
            (previous, how) => previous.then(() => slurm.cancel(jobId, how)),
            Promise.resolve(),
          );
    const work = request
      .catch((error: unknown) =>
        this.report.log(runId, 'warn', `Slurm could not cancel job ${jobId}: ${message(error)}`),
      )
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private fail(runId: number, error: string): void {
    // Not busy any more by the time anyone hears it failed (they may start it again at once).
    this.release(runId);
    this.report.log(runId, 'error', error);
    this.report.finish(runId, { status: 'failed', error });
  }
}
