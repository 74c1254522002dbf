/**
 * Follows a study in the terminal until its runs and planned evaluations end: a line when a run
 * starts or ends (with its kNN top-1), when an evaluation ends, and a progress line when the
 * counts change (and every minute, with the ETA). Ctrl-C stops the whole study gracefully (each
 * running run saves a stop checkpoint; `study resume ID` continues); a second Ctrl-C kills the
 * workers at once.
 */
import type { EvaluationSummary, RunStatus } from '@shared/runs';
import { METRIC } from '@shared/metrics';
import type { StudyDetail, StudySummary } from '@shared/study/types';
import { REPEAT_SIGNAL_MS, watchParent } from '../../host/shutdown';
import type { Workbench } from '../../services/workbench';
import type { CliContext } from '../command';
import { formatDuration, formatMetricValue } from '../format';
import { call, studyCountsText } from './study-common';

const ENDED: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted'];
const POLL_MS = 1000;
const PROGRESS_EVERY_MS = 60_000;
/** Planned evaluations that no worker picks up for this long are reported, not waited for forever. */
const STALLED_AFTER_MS = 120_000;

const top1 = (value: number | undefined) =>
  value === undefined ? '-' : formatMetricValue(METRIC.knnTop1, value);

function runEndLine(run: StudyDetail['runs'][number]['run']): string {
  const { results } = run;
  const knn =
    results.finalKnnTop1 !== undefined
      ? `; kNN top-1 ${top1(results.initialKnnTop1)} -> ${top1(results.finalKnnTop1)}`
      : '';
  const error = run.status === 'failed' && run.error ? `: ${run.error.split('\n')[0]}` : '';
  return `run ${run.id} ${run.status} "${run.name}"${knn}${error}`;
}

function evaluationLine(evaluation: EvaluationSummary, name: string): string {
  if (evaluation.status === 'failed') {
    return `${evaluation.kind} evaluation of run ${evaluation.runId} failed: ${(evaluation.error ?? '').split('\n')[0]}`;
  }
  const value = evaluation.results.top1;
  const figure = value === undefined ? '' : `: top-1 ${top1(value)}`;
  return `${evaluation.kind} evaluation of run ${evaluation.runId} "${name}" completed${figure}`;
}

/** Nothing of the study is left to run: no run active, no planned evaluation waiting or running. */
function settled(study: StudySummary): boolean {
  const { counts, evaluations } = study;
  return (
    counts.queued + counts.running + counts.stopping === 0 && evaluations.queued + evaluations.running === 0
  );
}

/** The exit code of a followed study: 0 all done, 130 stopped, 1 something failed. */
function exitCode(study: StudySummary): number {
  if (study.state === 'completed' && study.evaluations.failed === 0 && study.evaluations.queued === 0)
    return 0;
  if (study.state === 'stopped') return 130;
  return 1;
}

/**
 * Follows a study after `begin` (which queues its runs and returns the study's id) until it
 * settles; returns the exit code. The caller prints the report and closes the workbench.
 */
export async function followStudy(
  workbench: Workbench,
  context: CliContext,
  begin: () => Promise<number>,
): Promise<number> {
  let studyId = -1;
  const say = (line: string) => context.stderr.write(`${line}\n`);
  const names = new Map<number, string>();
  const unsubscribe = workbench.events.subscribe((channel, payload) => {
    if (channel !== 'run:evaluation') return;
    const evaluation = payload as EvaluationSummary;
    const name = names.get(evaluation.runId);
    if (name === undefined) return;
    if (evaluation.status === 'completed' || evaluation.status === 'failed')
      say(evaluationLine(evaluation, name));
  });
  workbench.supervisor.setNotifier((line) => say(line));

  let firstSignalMs: number | undefined;
  let killed = false;
  let stopping: Promise<unknown> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstSignalMs === undefined) {
      firstSignalMs = now;
      say(
        `\nStopping the study (${signal}): running runs save a checkpoint (up to ${workbench.supervisor.stopTimeout / 1000} s each), queued ones leave the queue; continue with "study resume ${studyId}". Ctrl-C again to kill the workers now.`,
      );
      // Before the study exists (still being created) closing the workbench stops what started.
      if (studyId > 0)
        stopping = call(workbench, 'studies:stop', { studyId }).catch((error: Error) =>
          say(`Stop failed: ${error.message}`),
        );
    } else if (!killed && now - firstSignalMs >= REPEAT_SIGNAL_MS) {
      killed = true;
      say('Killing the workers now.');
      workbench.supervisor.killAll();
    }
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  const unwatch = watchParent(() => onSignal('SIGTERM'));

  try {
    studyId = await begin();
    // A Ctrl-C while the study was being created: stop it now that it exists.
    if (firstSignalMs !== undefined && stopping === undefined) {
      stopping = call(workbench, 'studies:stop', { studyId }).catch((error: Error) =>
        say(`Stop failed: ${error.message}`),
      );
    }
    const seen = new Map<number, RunStatus>();
    let lastCounts = '';
    let lastProgressMs = Date.now();
    let idleSinceMs: number | undefined;
    for (;;) {
      const study = await call(workbench, 'studies:get', { studyId });
      for (const { run } of study.runs) {
        names.set(run.id, run.name);
        const before = seen.get(run.id);
        if (before !== run.status) {
          if (run.status === 'running' && before !== 'running') say(`run ${run.id} started "${run.name}"`);
          else if (ENDED.includes(run.status) && before !== undefined && !ENDED.includes(before))
            say(runEndLine(run));
          seen.set(run.id, run.status);
        }
      }
      const counts = studyCountsText(study);
      const now = Date.now();
      if (counts !== lastCounts || now - lastProgressMs >= PROGRESS_EVERY_MS) {
        const eta = study.etaMs === null ? '' : `; about ${formatDuration(study.etaMs)} left`;
        say(`study ${studyId} "${study.name}": ${counts}${eta}`);
        lastCounts = counts;
        lastProgressMs = now;
      }
      if (settled(study)) {
        await stopping;
        while (workbench.supervisor.activeRunIds.length > 0)
          await new Promise((resolve) => setTimeout(resolve, 50));
        // Stopped by the user: 130 like any interrupted command, whatever had finished before.
        return firstSignalMs === undefined ? exitCode(study) : 130;
      }
      // A planned evaluation that nothing will run (no worker, nothing queued) would keep us here.
      const idle =
        study.counts.queued + study.counts.running + study.counts.stopping === 0 &&
        workbench.supervisor.activeRunIds.length === 0 &&
        workbench.store.leases.queue().length === 0;
      idleSinceMs = idle ? (idleSinceMs ?? now) : undefined;
      if (idleSinceMs !== undefined && now - idleSinceMs > STALLED_AFTER_MS) {
        say(`${study.evaluations.queued} planned evaluation(s) did not start; stopped waiting for them.`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    unwatch();
    unsubscribe();
    for (const signal of signals) process.off(signal, onSignal);
  }
}
