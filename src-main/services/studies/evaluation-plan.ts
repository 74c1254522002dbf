/**
 * A study's evaluation plan (issue 14, item 2): when one of its runs completes, the evaluations
 * the plan asks for are queued through the same path as `evaluations:start`. What is still to
 * queue is read from the store each time (a completed run without an evaluation of a planned
 * kind gets one), so the plan survives a restart of the host and never queues a kind twice: any
 * evaluation of that kind, whoever started it and however it ended, counts as done, except one
 * that ended only because its host did (it never ran to an outcome).
 */
import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { EvaluationKind, RunSummary } from '@shared/runs';
import type { StudyEvaluationPlan } from '@shared/study/types';
import type { StudyEvaluationRow } from '../../storage/studies.repo';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import type { Supervisor } from '../supervisor';

/** The kinds of evaluation the plan asks for, in the order they run (one worker per run). */
export function plannedKinds(plan: StudyEvaluationPlan): EvaluationKind[] {
  return [...(plan.linear ? (['linear'] as const) : []), ...(plan.knnSweep ? (['knn'] as const) : [])];
}

/**
 * An evaluation that ended because its host did, never by anyone's choice: queued when a host
 * closed (`Cancelled: the application stopped`, supervisor.ts) or ended (`Cancelled: the CLI ...
 * ended before it started`), or reclaimed from a dead host (`Interrupted: ...`, reclaim.ts). The
 * plan asks for it again; one the user stopped (`Cancelled`, `Cancelled before it started`) or
 * that failed on its own counts as done.
 */
export function endedWithItsHost(evaluation: StudyEvaluationRow): boolean {
  return (
    evaluation.status === 'failed' &&
    evaluation.error !== null &&
    (evaluation.error.startsWith('Cancelled: ') || evaluation.error.startsWith('Interrupted'))
  );
}

/** An evaluation the user stopped (`runs:stop` or `studies:stop` while it waited or ran). */
export function stoppedByUser(evaluation: StudyEvaluationRow): boolean {
  return (
    evaluation.status === 'failed' &&
    (evaluation.error === 'Cancelled' || evaluation.error === 'Cancelled before it started')
  );
}

/**
 * Which earlier evaluations the plan does again: on its own only those that ended with their host;
 * `studies:resume` also those the user stopped; `studies:retry` every failed one.
 */
export const REDO = {
  auto: endedWithItsHost,
  resume: (evaluation: StudyEvaluationRow) => endedWithItsHost(evaluation) || stoppedByUser(evaluation),
  retry: (evaluation: StudyEvaluationRow) => evaluation.status === 'failed',
} as const;
export type Redo = (typeof REDO)[keyof typeof REDO];

/**
 * The planned evaluation to queue next for a completed run, or undefined: the first planned kind
 * it has no evaluation of (those `redo` does again aside). The kNN sweep thus waits for the linear
 * evaluation to end (queued when the run is free again). A run whose newest evaluation the user
 * stopped gets nothing more until the study is resumed: stopping a study stops its plan too.
 */
export function nextPlannedEvaluation(
  plan: StudyEvaluationPlan,
  run: RunSummary,
  evaluations: readonly StudyEvaluationRow[],
  redo: Redo = REDO.auto,
): EvaluationKind | undefined {
  if (run.status !== 'completed') return undefined;
  const kept = evaluations.filter((evaluation) => evaluation.runId === run.id && !redo(evaluation));
  // Evaluations come oldest first: the newest tells whether the user's stop still holds.
  const newest = kept.at(-1);
  if (newest && stoppedByUser(newest)) return undefined;
  const had = new Set(kept.map((evaluation) => evaluation.kind));
  return plannedKinds(plan).find((kind) => !had.has(kind));
}

export interface EvaluationPlanDeps {
  store: RunStore;
  supervisor: Supervisor;
  events: EventBus;
  /** `evaluations:start` (evaluations.service.ts): the user's own path for an evaluation. */
  startEvaluation: CallHandlers['evaluations:start'];
}

/**
 * Queues what the plans of `studyIds` (every study when omitted; none in `skip`) still ask for,
 * doing again the earlier evaluations `redo` selects.
 * Returns the studies whose evaluations changed, and those with a completed run that still needs
 * one but is busy (its worker has not exited, or another evaluation of it runs): to look again.
 * A run that cannot be evaluated (no usable checkpoint) gets a failed evaluation saying why, so
 * the plan does not ask again at every event.
 */
export function queuePlannedEvaluations(
  deps: EvaluationPlanDeps,
  studyIds?: readonly number[],
  skip: ReadonlySet<number> = new Set(),
  redo: Redo = REDO.auto,
): { changed: number[]; waiting: number[] } {
  const { store, supervisor } = deps;
  const changed = new Set<number>();
  const waiting = new Set<number>();
  const studies = studyIds ? studyIds.flatMap((id) => store.studies.get(id) ?? []) : store.studies.list();
  for (const study of studies) {
    if (skip.has(study.id) || plannedKinds(study.evaluation).length === 0) continue;
    const evaluations = store.studies.evaluations(study.id);
    for (const { run } of store.studies.runs(study.id)) {
      const kind = nextPlannedEvaluation(study.evaluation, run, evaluations, redo);
      if (!kind) continue;
      if (supervisor.isBusy(run.id)) {
        waiting.add(study.id);
        continue;
      }
      const settings = kind === 'linear' ? study.evaluation.linearSettings : {};
      try {
        void deps.startEvaluation({ runId: run.id, kind, settings });
      } catch (error) {
        if (!(error instanceof AppFailure)) throw error;
        // Another host queued it meanwhile (the queue is shared): nothing to record.
        if (supervisor.isBusy(run.id)) waiting.add(study.id);
        else recordUnqueued(deps, run, kind, error.message);
      }
      changed.add(study.id);
    }
  }
  return { changed: [...changed], waiting: [...waiting] };
}

/** A planned evaluation that could not start, recorded as failed with the reason. */
function recordUnqueued(
  deps: EvaluationPlanDeps,
  run: RunSummary,
  kind: EvaluationKind,
  reason: string,
): void {
  const { store, events } = deps;
  const evaluation = store.evaluations.create(run.id, kind, run.checkpointStep ?? 0, {});
  store.evaluations.fail(evaluation.id, `The study's evaluation plan could not queue it: ${reason}`);
  store.logs.append(run.id, 'warn', `Planned ${kind} evaluation not queued: ${reason}`);
  events.emit('run:evaluation', store.evaluations.get(evaluation.id)!);
}
