import { describe, expect, it } from 'vitest';
import type { RunProgress, RunStatus, RunSummary } from '@shared/runs';
import {
  countRuns,
  evaluationCounts,
  studyEtaMs,
  studyState,
} from '../../../../src-main/services/studies/study-state';
import type { StudyRecord } from '../../../../src-main/storage/studies.repo';
import { summary } from '../../../helpers/run-summary';

let nextId = 1;
function run(status: RunStatus, extra: Partial<RunSummary> = {}): RunSummary {
  return summary({ id: nextId++, status, ...extra });
}

const progress = (extra: Partial<RunProgress>): RunProgress => ({
  step: 1,
  totalSteps: 10,
  epoch: 1,
  totalEpochs: 1,
  ...extra,
});

const stateOf = (...statuses: RunStatus[]) => studyState(countRuns(statuses.map((status) => run(status))));

describe('a study’s state from its runs', () => {
  it('is running while any run waits or trains, completed when all did', () => {
    expect(stateOf('created', 'created')).toBe('created');
    expect(stateOf('queued', 'completed', 'failed')).toBe('running');
    expect(stateOf('stopping', 'stopped')).toBe('running');
    expect(stateOf('completed', 'completed')).toBe('completed');
    expect(stateOf('completed', 'failed', 'stopped')).toBe('failed');
    expect(stateOf('completed', 'interrupted')).toBe('stopped');
    expect(stateOf('completed', 'created')).toBe('stopped');
    expect(stateOf()).toBe('created');
  });

  it('counts runs by status with a total', () => {
    expect(countRuns([run('queued'), run('queued'), run('failed')])).toMatchObject({
      queued: 2,
      failed: 1,
      completed: 0,
      total: 3,
    });
  });
});

describe('a study’s time left', () => {
  it('adds the running ETAs and the queued runs at the median completed duration, over the workers', () => {
    const done = [
      run('completed', { progress: progress({ trainingMs: 1000 }) }),
      run('completed', { progress: progress({ trainingMs: 3000 }) }),
      run('completed', { startedAt: 0, endedAt: 9000 }),
    ];
    const running = run('running', { progress: progress({ etaMs: 500, trainingMs: 100 }) });
    // median duration 3000: 500 + 2 x 3000 = 6500 of work; one worker.
    expect(studyEtaMs([...done, running, run('queued'), run('queued')], 1)).toBe(6500);
    // Two workers share it, but never less than the longest running run.
    expect(studyEtaMs([...done, running, run('queued'), run('queued')], 2)).toBe(3250);
    expect(studyEtaMs([...done, running], 4)).toBe(500);
  });

  it('uses the running runs’ projected durations before any completed, and is null when nothing is known', () => {
    const running = run('running', { progress: progress({ etaMs: 400, trainingMs: 600 }) });
    expect(studyEtaMs([running, run('queued')], 1)).toBe(400 + 1000);
    expect(studyEtaMs([run('queued')], 1)).toBeNull();
    expect(studyEtaMs([run('completed'), run('failed')], 1)).toBeNull();
  });
});

describe('the evaluations a study’s plan asks for', () => {
  const record = (linear: boolean, knnSweep: boolean) =>
    ({ evaluation: { linear, knnSweep, linearSettings: {} } }) as StudyRecord;

  it('counts one of each planned kind per run, the newest of each, a missing one of a completed run as queued', () => {
    const [a, b, c] = [run('completed'), run('completed'), run('running')];
    const evaluations = [
      { id: 1, runId: a!.id, kind: 'linear' as const, status: 'failed' as const, error: null },
      { id: 2, runId: a!.id, kind: 'linear' as const, status: 'completed' as const, error: null },
      { id: 3, runId: a!.id, kind: 'knn' as const, status: 'running' as const, error: null },
      { id: 4, runId: b!.id, kind: 'linear' as const, status: 'running' as const, error: null },
    ];
    const isQueued = (runId: number) => runId === a!.id;
    expect(evaluationCounts(record(true, true), [a!, b!, c!], evaluations, isQueued)).toEqual({
      planned: 6,
      completed: 1,
      queued: 2, // a's kNN waits in the queue; b's kNN is still to be queued
      running: 1,
      failed: 0,
    });
    expect(evaluationCounts(record(false, false), [a!, b!], evaluations, isQueued)).toEqual({
      planned: 0,
      queued: 0,
      running: 0,
      completed: 0,
      failed: 0,
    });
  });
});
