import { isActiveSlurmState, type ClusterJob } from '@shared/cluster/types';
import { METRIC } from '@shared/metrics';
import { trainingTimeMs } from '@shared/run-progress';
import type { RunStatus, RunSummary } from '@shared/runs';
import { REPEAT_SIGNAL_MS, watchParent } from '../../host/shutdown';
import type { Workbench } from '../../services/workbench';
import type { CliContext } from '../command';
import { formatDuration, formatNumber, ProgressBar } from '../format';

const TERMINAL: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted'];

/**
 * Follows one run in the terminal until it ends: a progress bar on stderr, warnings as they
 * come, Ctrl-C to stop cleanly (twice to kill the worker), and a closing summary (one JSON line
 * with `json`). `begin` starts or resumes the run and returns its id. Closes the workbench.
 */
export async function followRun(
  workbench: Workbench,
  context: CliContext,
  options: { json: boolean; label: string },
  begin: () => number,
): Promise<number> {
  const bar = new ProgressBar(context.stderr, options.label);
  let runId = -1;
  /** A placed run's job as last said on the terminal (`291 RUNNING`), so each change is said once. */
  let jobSaid = '';
  const finished = new Promise<RunSummary>((resolve) => {
    workbench.events.subscribe((channel, payload) => {
      if (channel === 'run:progress') {
        const { progress } = payload as { runId: number; progress: NonNullable<RunSummary['progress']> };
        const speed = progress.samplesPerSecond ? `${progress.samplesPerSecond.toFixed(0)} img/s` : '';
        const detail = `epoch ${progress.epoch}/${progress.totalEpochs} ${speed} ETA ${formatDuration(progress.etaMs)}`;
        bar.update(progress.step, progress.totalSteps, detail);
      } else if (channel === 'run:status') {
        const summary = payload as RunSummary;
        if (summary.id === runId && TERMINAL.includes(summary.status)) resolve(summary);
      } else if (channel === 'cluster:job' && !options.json) {
        // A run placed on Slurm: where its job is (queued with Slurm's reason, running on a node, ended).
        const job = payload as ClusterJob;
        const said = `${job.jobId} ${job.state}`;
        // Its end is said by the run's own closing line (a failure quotes Slurm's state).
        if (job.runId === runId && said !== jobSaid && isActiveSlurmState(job.state)) {
          jobSaid = said;
          const where = job.node ? ` on ${job.node}` : '';
          const why = job.state === 'PENDING' && job.reason ? ` (${job.reason})` : '';
          context.stderr.write(`\nSlurm job ${job.jobId}: ${job.state}${where}${why}\n`);
        }
      } else if (channel === 'run:log' && !options.json) {
        for (const line of (payload as { lines: { level: string; message: string }[] }).lines) {
          if (line.level === 'warn' || line.level === 'error')
            context.stderr.write(`\n[${line.level}] ${line.message}\n`);
        }
      }
    });
  });
  // Ctrl-C or SIGTERM: the worker finishes its step and saves a checkpoint (killed after the stop
  // timeout); a second Ctrl-C kills it at once. A repeat within REPEAT_SIGNAL_MS is the same press
  // arriving twice (terminal process group plus `npm run` forwarding).
  let firstSignalMs: number | undefined;
  let killed = false;
  workbench.supervisor.setNotifier((line) => context.stderr.write(`\n${line}\n`));
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstSignalMs === undefined) {
      firstSignalMs = now;
      const seconds = workbench.supervisor.stopTimeout / 1000;
      const placed = runId > 0 ? workbench.store.cluster.remoteRun(runId) : undefined;
      context.stderr.write(
        placed
          ? `\nStopping (${signal}): Slurm job ${workbench.store.cluster.currentJob(runId)?.jobId ?? '(being submitted)'} saves a checkpoint after its current step; it is cancelled if it takes over ${placed.settings.stopGraceSeconds} s...\n`
          : `\nStopping (${signal}) after the current step, with a checkpoint: waiting up to ${seconds} s, then the worker is killed (Ctrl-C again to kill it now)...\n`,
      );
      workbench.supervisor.stop(runId);
    } else if (!killed && now - firstSignalMs >= REPEAT_SIGNAL_MS) {
      killed = true;
      context.stderr.write('\nKilling the worker now.\n');
      workbench.supervisor.killAll();
    }
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  const unwatch = watchParent(() => onSignal('SIGTERM'));
  // A run placed on a cluster has no worker here: only the poller's (unref'd) timer follows it.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    runId = begin();
    const held = workbench.store.leases.leases().length;
    if (workbench.store.runs.summary(runId)?.status === 'queued' && held > 0) {
      // The queue and the limit are shared with the app and serve mode on the same file.
      context.stderr.write(
        `Waiting: ${held} worker(s) already run on this database (limit ${workbench.supervisor.concurrency}); run ${runId} starts when one ends.\n`,
      );
    }
    const summary = await finished;
    bar.end();
    // Wait for the worker to exit so its exit status is recorded too.
    while (workbench.supervisor.isRunning(runId)) await new Promise((resolve) => setTimeout(resolve, 20));
    const detail = workbench.store.runs.detail(runId)!;
    const metrics = workbench.store.metrics.latest(runId);
    // Training time over every segment of the run (a resumed run does not count its pause).
    const durationMs = trainingTimeMs(summary, summary.endedAt ?? Date.now());
    if (summary.status === 'failed') context.stderr.write(`Run ${runId} failed: ${summary.error}\n`);
    if (options.json) {
      const line = {
        runId,
        status: summary.status,
        backend: detail.backend,
        device: detail.device,
        steps: detail.results.steps ?? detail.progress?.step ?? 0,
        durationMs,
        metrics,
        results: detail.results,
      };
      context.stdout.write(`${JSON.stringify(line)}\n`);
    } else {
      const knn =
        detail.results.finalKnnTop1 !== undefined
          ? `; kNN top-1 ${formatNumber(detail.results.initialKnnTop1, 3)} -> ${formatNumber(detail.results.finalKnnTop1, 3)}`
          : '';
      context.stdout.write(
        // A run that never trained (Slurm refused its job, say) has no backend, duration or loss to tell.
        detail.backend === null
          ? `Run ${runId} ${summary.status} before it trained\n`
          : `Run ${runId} ${summary.status} in ${formatDuration(durationMs)} on ${detail.backend} (${detail.device}); final loss ${formatNumber(metrics[METRIC.loss])}${knn}\n`,
      );
      const snapshots = workbench.store.snapshots.list(runId);
      if (snapshots.length > 0) {
        const mib = snapshots.reduce((sum, snapshot) => sum + snapshot.bytes, 0) / 2 ** 20;
        context.stdout.write(
          `${snapshots.length} decorrelation snapshots (${mib.toFixed(1)} MiB): the run's Inspect tab (npm start), or npm run cli -- inspect ${runId} --view cross --out C.png\n`,
        );
      }
    }
    return summary.status === 'completed' ? 0 : summary.status === 'stopped' ? 130 : 1;
  } finally {
    clearInterval(keepAlive);
    unwatch();
    for (const signal of signals) process.off(signal, onSignal);
    await workbench.close();
  }
}
