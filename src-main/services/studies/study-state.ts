/**
 * A study's summary from its runs: counts by status, its state (src-shared/study/types.ts), the
 * evaluations its plan asks for, and the time left. Pure functions over what the store holds.
 */
import { isActiveStatus, RUN_STATUSES, type RunStatus, type RunSummary } from '@shared/runs';
import type { StudyEvaluationCounts, StudyRun, StudyState, StudySummary } from '@shared/study/types';
import type { StudyEvaluationRow, StudyRecord } from '../../storage/studies.repo';
import { plannedKinds } from './evaluation-plan';

export type StudyCounts = StudySummary['counts'];

export function countRuns(runs: readonly RunSummary[]): StudyCounts {
  const counts = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const run of runs) counts[run.status] += 1;
  return { ...counts, total: runs.length };
}

/**
 * `running` while any run waits or trains; `completed` when all did; else `failed` when some
 * failed, `stopped` when some stopped, were interrupted, or some completed and the rest were
 * never queued (a partly run study, not a fresh one); `created` when none was ever queued.
 */
export function studyState(counts: StudyCounts): StudyState {
  if (counts.queued + counts.running + counts.stopping > 0) return 'running';
  if (counts.total > 0 && counts.completed === counts.total) return 'completed';
  if (counts.failed > 0) return 'failed';
  if (counts.stopped + counts.interrupted + counts.completed > 0) return 'stopped';
  return 'created';
}

/**
 * Evaluations the plan asks for (one of each planned kind per run) and where they are. An
 * evaluation row stays `running` while it waits in the queue, so `isQueued` tells the two apart;
 * a completed run whose planned evaluation has no row yet counts as queued (it is about to be).
 */
export function evaluationCounts(
  record: StudyRecord,
  runs: readonly RunSummary[],
  evaluations: readonly StudyEvaluationRow[],
  isQueued: (runId: number) => boolean,
): StudyEvaluationCounts {
  const kinds = plannedKinds(record.evaluation);
  const counts: StudyEvaluationCounts = {
    planned: kinds.length * runs.length,
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
  };
  if (kinds.length === 0) return counts;
  // The newest evaluation of each planned kind per run (a user's retry replaces a failed one).
  const newest = new Map<string, StudyEvaluationRow>();
  for (const evaluation of evaluations) {
    if (kinds.includes(evaluation.kind)) newest.set(`${evaluation.runId}:${evaluation.kind}`, evaluation);
  }
  for (const run of runs) {
    for (const kind of kinds) {
      const evaluation = newest.get(`${run.id}:${kind}`);
      if (!evaluation) {
        if (run.status === 'completed') counts.queued += 1;
      } else if (evaluation.status === 'running') {
        counts[isQueued(run.id) ? 'queued' : 'running'] += 1;
      } else counts[evaluation.status] += 1;
    }
  }
  return counts;
}

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** How long a run trained: its summed training time when recorded, else its wall time. */
function runDurationMs(run: RunSummary): number | null {
  if (run.progress?.trainingMs !== undefined && run.progress.trainingMs > 0) return run.progress.trainingMs;
  if (run.startedAt !== null && run.endedAt !== null && run.endedAt > run.startedAt)
    return run.endedAt - run.startedAt;
  return null;
}

/**
 * Time left (ms): the running runs' own ETAs plus each queued run at the median duration of the
 * study's completed runs (or, before any completed, of its running runs' elapsed + remaining
 * time), spread over `concurrency` workers. Null when nothing runs or waits, or nothing is known.
 */
export function studyEtaMs(runs: readonly RunSummary[], concurrency: number): number | null {
  const running = runs.filter((run) => run.status === 'running' || run.status === 'stopping');
  const queued = runs.filter((run) => run.status === 'queued');
  if (running.length + queued.length === 0) return null;
  const runningEtas = running
    .map((run) => run.progress?.etaMs)
    .filter((eta): eta is number => eta !== undefined);
  const completed = runs.filter((run) => run.status === 'completed').map(runDurationMs);
  const projected = running
    .map((run) => (run.progress?.etaMs !== undefined ? (runDurationMs(run) ?? 0) + run.progress.etaMs : null))
    .filter((value): value is number => value !== null);
  const perRun = median(completed.filter((value): value is number => value !== null)) ?? median(projected);
  if (queued.length > 0 && perRun === null) return null;
  if (runningEtas.length < running.length && perRun === null) return null;
  // A running run without an ETA yet (its first steps) counts as a whole run.
  const runningWork = running.map((run) => run.progress?.etaMs ?? perRun!);
  const work = runningWork.reduce((sum, value) => sum + value, 0) + queued.length * (perRun ?? 0);
  const longestRunning = runningWork.length > 0 ? Math.max(...runningWork) : 0;
  return Math.round(Math.max(longestRunning, work / Math.max(1, concurrency)));
}

export function summarizeStudy(
  record: StudyRecord,
  studyRuns: readonly StudyRun[],
  evaluations: readonly StudyEvaluationRow[],
  options: { concurrency: number; isQueued: (runId: number) => boolean },
): StudySummary {
  const runs = studyRuns.map((entry) => entry.run);
  const counts = countRuns(runs);
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    createdAt: record.createdAt,
    axes: record.axes,
    seeds: record.seeds,
    seedStart: record.seedStart,
    evaluation: record.evaluation,
    counts,
    state: studyState(counts),
    evaluations: evaluationCounts(record, runs, evaluations, options.isQueued),
    etaMs: studyEtaMs(runs, options.concurrency),
  };
}

/** Runs of the study that a worker holds or will hold (stop acts on these). */
export const activeRuns = (runs: readonly StudyRun[]): RunSummary[] =>
  runs.map((entry) => entry.run).filter((run) => isActiveStatus(run.status));
