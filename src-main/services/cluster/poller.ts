/**
 * Follows the runs placed on a cluster (issue 15) from whichever host is open: reads each active
 * run's journal into the store, asks Slurm for the state of every job not yet settled, applies a
 * job's end to its run, and cancels a job that outlived its stop request's grace period. Nothing
 * here needs the job to reach the host: the journal on shared storage and Slurm's own commands
 * are the whole report, so a desktop closed for a day catches up on its first poll.
 */
import type { SlurmClient, SlurmJobInfo } from '../../cluster/slurm';
import type { JobRecord } from '../../storage/cluster.repo';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import { ingestJournal } from './journal-ingest';
import { hasEnded, observeJob, settleJob } from './settle';

export interface ClusterPollerOptions {
  store: RunStore;
  events: EventBus;
  slurm: Pick<SlurmClient, 'states' | 'cancel'>;
  /** How often to poll; the first poll runs at start. */
  pollMs?: number;
  /** Where the host says what went wrong (its terminal); default console.error. */
  notify?: (line: string) => void;
  /** A job Slurm no longer lists counts as ended after this many polls in a row without it. */
  missingPolls?: number;
  /** Whether this host is submitting the run now (ClusterRuns.isSubmitting). */
  isSubmitting?: (runId: number) => boolean;
  /** A submission marked longer ago than this, with no job recorded, was lost with its host. */
  staleSubmissionMs?: number;
}

/** Longer than any submission takes (sbatch's 30 s limit, a lookup by name, a slow store). */
const STALE_SUBMISSION_MS = 120_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ClusterPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** The last error reported per source (`slurm`, `run 3`): each distinct one is said once. */
  private readonly errors = new Map<string, string>();
  /** Polls in a row a job was missing from Slurm's answer, by job row. */
  private readonly missing = new Map<number, number>();
  /** Jobs this host already cancelled after their stop's grace period. */
  private readonly cancelled = new Set<number>();

  constructor(private readonly options: ClusterPollerOptions) {}

  /** Polls now (catching up on what happened while no host was open), then every pollMs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling; resolves once a poll under way has finished (the store may then close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One poll; a poll already under way is joined, never run twice at once. Never throws. */
  pollOnce(): Promise<void> {
    this.running ??= this.poll().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().then(() => this.schedule(this.options.pollMs ?? 2000));
    }, delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const { store } = this.options;
    this.guard('the store', () => this.interruptLostSubmissions());
    const remotes = this.guard('the store', () => store.cluster.activeRemoteRuns()) ?? [];
    for (const remote of remotes) await this.ingest(remote.runId);
    const jobs = this.guard('the store', () => store.cluster.unsettledJobs()) ?? [];
    if (jobs.length === 0) return;
    let states: Map<string, SlurmJobInfo>;
    try {
      states = await this.options.slurm.states([...new Set(jobs.map((job) => job.jobId))]);
      this.clear('slurm');
    } catch (error) {
      // Commands missing, the controller down: said once, tried again next poll.
      this.report('slurm', `Cannot ask Slurm about the cluster's jobs: ${message(error)}`);
      return;
    }
    for (const job of jobs) await this.follow(job, states);
  }

  /** Observes one job; applies its end (after reading its journal to the end) or cancels an overdue stop. */
  private async follow(job: JobRecord, states: Map<string, SlurmJobInfo>): Promise<void> {
    const { store } = this.options;
    const info = states.get(job.jobId);
    if (info) this.missing.delete(job.id);
    else {
      // A job squeue has just been given may not be listed yet: purged only when missing twice.
      const misses = (this.missing.get(job.id) ?? 0) + 1;
      this.missing.set(job.id, misses);
      if (misses < (this.options.missingPolls ?? 2)) return;
    }
    const observed = this.guard(`run ${job.runId}`, () => {
      observeJob(this.options, job, info);
      return store.cluster.job(job.id);
    });
    if (!observed) return;
    if (hasEnded(observed.state)) {
      // The worker's last lines (done or failed) decide the run's end: read them first.
      if (!(await this.ingest(job.runId))) return;
      const remote = store.cluster.remoteRun(job.runId);
      const ended = this.guard(`run ${job.runId}`, () => settleJob(this.options, observed, remote));
      this.missing.delete(job.id);
      this.cancelled.delete(job.id);
      if (ended) this.notify(`Run ${ended.runId} ${ended.status}: ${ended.message?.split('\n')[0]}`);
      return;
    }
    await this.cancelOverdue(observed);
  }

  /** A job still running stopRequestedAt + stopGraceSeconds after a stop request is cancelled outright. */
  private async cancelOverdue(job: JobRecord): Promise<void> {
    const { store, slurm } = this.options;
    const remote = store.cluster.remoteRun(job.runId);
    if (!remote || remote.stopRequestedAt === null || this.cancelled.has(job.id)) return;
    const grace = remote.settings.stopGraceSeconds;
    if (Date.now() < remote.stopRequestedAt + grace * 1000) return;
    this.cancelled.add(job.id);
    this.guard(`run ${job.runId}`, () =>
      this.log(
        job.runId,
        'warn',
        `Slurm job ${job.jobId} did not stop within ${grace} s: cancelled (scancel)`,
      ),
    );
    try {
      await slurm.cancel(job.jobId);
    } catch (error) {
      this.cancelled.delete(job.id);
      this.report(`cancel ${job.jobId}`, `Cannot cancel Slurm job ${job.jobId}: ${message(error)}`);
    }
  }

  /**
   * A run marked queued for a submission whose host stopped before Slurm's answer was recorded
   * has no job to follow: it becomes interrupted (Start or Resume submits it again).
   */
  private interruptLostSubmissions(): void {
    const { store, events } = this.options;
    const before = Date.now() - (this.options.staleSubmissionMs ?? STALE_SUBMISSION_MS);
    for (const stale of store.cluster.staleSubmissions(before)) {
      if (this.options.isSubmitting?.(stale.runId)) continue;
      // Checked again where it is written: another host may record the job meanwhile.
      const interrupted = store.database
        .transaction(() => {
          if (!store.cluster.staleSubmissions(before).some((run) => run.runId === stale.runId)) return false;
          store.runs.setStatus(stale.runId, { status: 'interrupted', endedAt: Date.now(), ownerPid: null });
          store.cluster.setSubmitting(stale.runId, null);
          return true;
        })
        .immediate();
      if (!interrupted) continue;
      const text =
        'The host stopped while submitting this run to Slurm, and Slurm has no job for it: Start or Resume submits it again';
      this.log(stale.runId, 'warn', text);
      const summary = store.runs.summary(stale.runId);
      if (summary) events.emit('run:status', summary);
      this.notify(`Run ${stale.runId} interrupted: ${text}`);
    }
  }

  /** Reads the run's journal; false when it could not (said once per distinct error). */
  private async ingest(runId: number): Promise<boolean> {
    const { store } = this.options;
    try {
      const remote = store.cluster.remoteRun(runId);
      if (remote) await ingestJournal(this.options, remote);
      this.clear(`run ${runId}`);
      return true;
    } catch (error) {
      const text = `Cannot read the journal of run ${runId}: ${message(error)}`;
      if (this.report(`run ${runId}`, text)) this.guard(`run ${runId}`, () => this.log(runId, 'warn', text));
      return false;
    }
  }

  private log(runId: number, level: 'info' | 'warn', text: string): void {
    const { store, events } = this.options;
    if (!store.runs.summary(runId)) return;
    const line = store.logs.append(runId, level, text);
    events.emit('run:log', { runId, lines: [line] });
  }

  /** Reports `text` unless it is what this source reported last; true when it was reported. */
  private report(source: string, text: string): boolean {
    if (this.errors.get(source) === text) return false;
    this.errors.set(source, text);
    this.notify(text);
    return true;
  }

  private clear(source: string): void {
    this.errors.delete(source);
  }

  private notify(line: string): void {
    if (this.options.notify) this.options.notify(line);
    else console.error(`Decorbench: ${line}`);
  }

  /** A store error (a full disk, a locked file) is reported and the poll goes on. */
  private guard<T>(source: string, operation: () => T): T | undefined {
    try {
      return operation();
    } catch (error) {
      this.report(source, `Cluster poll: ${message(error)}`);
      return undefined;
    }
  }
}
