import type { RunProgress, RunStatus, RunSummary } from './runs';

/** Steps older than this no longer count towards the step rate behind the ETA. */
export const STEP_RATE_WINDOW_MS = 30_000;

/**
 * The step rate over a recent window of wall time, for an ETA that follows the current speed.
 * A run's average since its start would be wrong twice over: after a resume the first segment's
 * steps are not this process's (the ETA came out far too short and then grew), and a run slows
 * down or speeds up as the machine's load changes.
 */
export class RecentStepRate {
  private readonly samples: { step: number; timeMs: number }[] = [];

  constructor(private readonly windowMs: number = STEP_RATE_WINDOW_MS) {}

  /** Records that `step` (the run's global step count) was reached at `timeMs`. */
  add(step: number, timeMs: number): void {
    this.samples.push({ step, timeMs });
    // The oldest sample kept is the window's start; two are kept whatever their age.
    while (this.samples.length > 2 && this.samples[1]!.timeMs <= timeMs - this.windowMs) this.samples.shift();
  }

  /** Milliseconds per step over the window; undefined before two steps of this process. */
  msPerStep(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.step <= first.step) return undefined;
    return (last.timeMs - first.timeMs) / (last.step - first.step);
  }

  /** Time to reach `totalSteps` at the recent rate, from the newest sample. */
  etaMs(totalSteps: number): number | undefined {
    const msPerStep = this.msPerStep();
    const last = this.samples[this.samples.length - 1];
    if (msPerStep === undefined || !last) return undefined;
    return Math.round(msPerStep * Math.max(0, totalSteps - last.step));
  }
}

/** Statuses in which a worker is training the run, so its training time grows. */
const TRAINING_STATUSES: readonly RunStatus[] = ['running', 'stopping'];

/** A progress report older than this while running says nothing reliable about the time left. */
export const STALE_PROGRESS_MS = 60_000;

/**
 * Time spent training the run, summed over its segments (each start or resume runs in a new
 * worker; the time between segments does not count). Taken from the newest progress report
 * plus, while a worker trains, the time since that report (at most `STALE_PROGRESS_MS`: reports
 * pause during evaluations, and a resumed run shows its previous report until the new worker's
 * first, which must not count the pause between the segments). Runs stored before progress carried
 * `trainingMs` fall back to the wall time from the first start. Null before any start.
 */
export function trainingTimeMs(
  run: Pick<RunSummary, 'status' | 'startedAt' | 'endedAt' | 'progress'>,
  nowMs: number,
): number | null {
  const progress: RunProgress | null = run.progress;
  if (progress?.trainingMs !== undefined) {
    const sinceReport =
      TRAINING_STATUSES.includes(run.status) && progress.timeMs !== undefined
        ? Math.min(STALE_PROGRESS_MS, Math.max(0, nowMs - progress.timeMs))
        : 0;
    return progress.trainingMs + sinceReport;
  }
  if (run.startedAt === null) return null;
  return Math.max(0, (run.endedAt ?? nowMs) - run.startedAt);
}

/**
 * Time left for a running run: the worker's estimate counted down since it was made. Undefined
 * when the run is not running, has no estimate yet (a resumed run keeps its previous segment's
 * report until its new worker has timed two steps), or the report is stale.
 */
export function remainingMs(run: Pick<RunSummary, 'status' | 'progress'>, nowMs: number): number | undefined {
  const progress = run.progress;
  if (run.status !== 'running' || progress?.etaMs === undefined) return undefined;
  if (progress.timeMs === undefined) return progress.etaMs;
  const age = nowMs - progress.timeMs;
  if (age > STALE_PROGRESS_MS) return undefined;
  return Math.max(0, progress.etaMs - Math.max(0, age));
}
