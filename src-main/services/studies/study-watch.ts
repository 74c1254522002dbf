/**
 * Keeps studies live from their runs' events: a `run:status`, `run:evaluation` or `run:deleted`
 * of a study's run emits `study:status` with the study's fresh summary (coalesced over a short
 * delay; the summary is read when emitted, so the last one is always the final state), and so
 * does their progress every few seconds (the ETA). A completed run, or an ended evaluation, runs
 * the study's evaluation plan, which the app or serve host also checks once at start, for runs
 * that completed while no host was watching.
 */
import type { CallHandlers } from '@shared/api/contract';
import type { StudySummary } from '@shared/study/types';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import type { Supervisor } from '../supervisor';
import { queuePlannedEvaluations, REDO, type Redo } from './evaluation-plan';

/** How long events are gathered before one `study:status` per study goes out. */
const COALESCE_MS = 100;
/** How often a study waiting to queue a planned evaluation looks again (its run's worker is exiting). */
const PLAN_RETRY_MS = 1000;
/** How often a study's summary follows its runs' progress (its ETA). */
const PROGRESS_MS = 2000;

export interface StudyWatchDeps {
  store: RunStore;
  supervisor: Supervisor;
  events: EventBus;
  startEvaluation: CallHandlers['evaluations:start'];
  summary: (studyId: number) => StudySummary;
}

export class StudyWatch {
  /** Studies being deleted: their plan queues nothing more. */
  readonly deleting = new Set<number>();
  /** The study of each run seen, so a deleted run (no row left) still names its study. */
  private readonly studyOfRun = new Map<number, number | null>();
  private readonly dirty = new Set<number>();
  private readonly planWaiting = new Set<number>();
  /** When each study last announced itself for progress. */
  private readonly progressAt = new Map<number, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private planTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: StudyWatchDeps) {
    this.unsubscribe = deps.events.subscribe((channel, payload) => {
      if (channel === 'run:status') {
        const run = payload as { id: number; status: string };
        this.touch(run.id, run.status === 'completed');
      } else if (channel === 'run:evaluation') {
        const evaluation = payload as { runId: number; status: string };
        this.touch(evaluation.runId, evaluation.status === 'completed' || evaluation.status === 'failed');
      } else if (channel === 'run:progress') {
        // The study's ETA moves with its runs' progress: at most one summary per PROGRESS_MS.
        const { runId } = payload as { runId: number };
        const studyId = this.studyOf(runId);
        const now = Date.now();
        if (studyId !== null && now - (this.progressAt.get(studyId) ?? 0) >= PROGRESS_MS) {
          this.progressAt.set(studyId, now);
          this.announce(studyId);
        }
      } else if (channel === 'run:deleted') {
        const { runId } = payload as { runId: number };
        const studyId = this.studyOfRun.get(runId) ?? null;
        this.studyOfRun.delete(runId);
        if (studyId !== null) this.announce(studyId);
      }
    });
    for (const study of deps.store.studies.list()) this.track(study.id, deps.store.studies.runIds(study.id));
    // What completed unwatched is queued by a host that stays (the app, serve): a CLI command's
    // host would queue it for itself and cancel it when the command ends (`study list`, `show`).
    if (deps.supervisor.host.claims === 'any') this.plan();
  }

  /** Remembers the study of its runs (a run deleted later has no row left to say). */
  track(studyId: number, runIds: readonly number[]): void {
    for (const runId of runIds) this.studyOfRun.set(runId, studyId);
  }

  /** Emits the study's summary soon (with whatever else changed meanwhile). */
  announce(studyId: number): void {
    if (this.closed) return;
    this.dirty.add(studyId);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
    this.flushTimer.unref();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    clearTimeout(this.flushTimer);
    clearTimeout(this.planTimer);
  }

  private studyOf(runId: number): number | null {
    let studyId = this.studyOfRun.get(runId);
    if (studyId === undefined) {
      studyId = this.deps.store.studies.studyOfRun(runId);
      this.studyOfRun.set(runId, studyId);
    }
    return studyId;
  }

  private touch(runId: number, planNow: boolean): void {
    const studyId = this.studyOf(runId);
    if (studyId === null) return;
    this.announce(studyId);
    if (planNow) this.plan([studyId]);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const studies = [...this.dirty];
    this.dirty.clear();
    for (const studyId of studies) {
      if (!this.deps.store.studies.get(studyId)) continue;
      this.deps.events.emit('study:status', this.deps.summary(studyId));
    }
  }

  /**
   * Queues what the plans of `studyIds` (all when omitted) still ask for. A study whose completed
   * run is still held by its worker (the training worker exits after reporting `completed`; one
   * evaluation runs at a time) is looked at again shortly. `redo`: see REDO (evaluation-plan.ts).
   */
  plan(studyIds?: number[], redo: Redo = REDO.auto): void {
    if (this.closed) return;
    const ids = studyIds?.filter((id) => !this.deleting.has(id));
    try {
      const { changed, waiting } = queuePlannedEvaluations(this.deps, ids, this.deleting, redo);
      for (const studyId of changed) this.announce(studyId);
      for (const studyId of waiting) this.planWaiting.add(studyId);
    } catch (error) {
      // A store error here must not break the event bus; the next event or retry tries again.
      console.error('The study evaluation plan could not run:', error);
    }
    if (this.planWaiting.size > 0) {
      this.planTimer ??= setTimeout(() => {
        this.planTimer = undefined;
        const waiting = [...this.planWaiting];
        this.planWaiting.clear();
        this.plan(waiting);
      }, PLAN_RETRY_MS);
      this.planTimer.unref();
    }
  }
}
