import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '@shared/runs';
import type { StudyDetail, StudyReport, StudySummary } from '@shared/study/types';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { testWorkbench, tinyConfig } from '../../../helpers/workbench';
import { collect, countRows, tinyStudy, value, waitForStudy } from './study-helpers';

/** Evaluations by run and kind: how many of each. */
function evaluationTally(workbench: Workbench, runIds: number[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const runId of runIds)
    for (const evaluation of workbench.store.evaluations.list(runId))
      tally[`${runId}:${evaluation.kind}`] = (tally[`${runId}:${evaluation.kind}`] ?? 0) + 1;
  return tally;
}

describe('a study launched with start: true trains its grid and runs its evaluation plan once', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('stores the grid with its points, queues every run, then a linear and a kNN sweep per run', async () => {
    const path = join(tempDir(), 'plan.sqlite');
    workbench = testWorkbench(path);
    const statuses = collect(workbench, 'study:status');
    const evaluationEvents = collect(workbench, 'run:evaluation');
    const spec = tinyStudy({
      evaluation: { linear: true, knnSweep: true, linearSettings: { epochs: 2 } },
    });
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    expect(created).toMatchObject({ name: 'tiny study', seeds: 1, state: 'running' });
    expect(created.counts.total).toBe(2);
    expect(created.counts.queued + created.counts.running).toBe(2);
    expect(created.evaluations).toMatchObject({ planned: 4, completed: 0 });

    const detail = value<StudyDetail>(await workbench.dispatch('studies:get', { studyId: created.id }));
    expect(detail.runs.map((entry) => entry.point)).toEqual([
      { values: { 'loss.name': 'bt' }, labels: { 'loss.name': 'bt' }, seed: 0 },
      { values: { 'loss.name': 'fft-bt' }, labels: { 'loss.name': 'fft-bt' }, seed: 0 },
    ]);
    expect(detail.runs.map((entry) => entry.run.lossName)).toEqual(['bt', 'fft-bt']);
    expect(detail.runs.map((entry) => entry.run.name)).toEqual([
      'tiny study · loss.name=bt · seed 0',
      'tiny study · loss.name=fft-bt · seed 0',
    ]);
    const runIds = detail.runs.map((entry) => entry.run.id);
    expect(workbench.store.runs.config(runIds[1]!)).toMatchObject({ seed: 0, loss: { name: 'fft-bt' } });

    const done = await waitForStudy(
      workbench,
      created.id,
      (summary) =>
        summary.state === 'completed' && summary.evaluations.completed + summary.evaluations.failed === 4,
      400_000,
    );
    expect(done.counts).toMatchObject({ completed: 2, total: 2 });
    expect(done.evaluations).toEqual({ planned: 4, queued: 0, running: 0, completed: 4, failed: 0 });
    expect(done.etaMs).toBeNull();
    // The last study:status the bus carried is the final state.
    expect(statuses.at(-1)).toMatchObject({
      id: created.id,
      state: 'completed',
      evaluations: done.evaluations,
    });
    expect(evaluationTally(workbench, runIds)).toEqual(
      Object.fromEntries(
        runIds.flatMap((id) => [
          [`${id}:linear`, 1],
          [`${id}:knn`, 1],
        ]),
      ),
    );
    // Linear first, with the plan's settings; then the kNN sweep, once the linear one ended.
    for (const runId of runIds) {
      const [linear, knn] = workbench.store.evaluations.list(runId);
      expect(linear).toMatchObject({ kind: 'linear', status: 'completed', settings: { epochs: 2 } });
      expect(knn).toMatchObject({ kind: 'knn', status: 'completed' });
      expect(knn!.createdAt).toBeGreaterThanOrEqual(linear!.endedAt!);
    }
    expect(evaluationEvents.some((event: EvaluationSummary) => event.kind === 'knn')).toBe(true);

    // The report reads the same runs and their planned linear evaluations.
    const report = value<StudyReport>(await workbench.dispatch('studies:report', { studyId: created.id }));
    expect(report.rows.map((row) => row.runIds)).toEqual([[runIds[0]], [runIds[1]]]);
    for (const row of report.rows) expect(row).toMatchObject({ completed: 1, linear: { n: 1 } });

    // Restart-proof: a new host on the same file finds nothing left to queue.
    await workbench.close();
    workbench = testWorkbench(path);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(countRows(workbench, 'evaluations')).toBe(4);
    const listed = value<StudySummary[]>(await workbench.dispatch('studies:list', {}));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: created.id, state: 'completed', evaluations: { completed: 4 } });
  }, 420_000);

  it('stops the plan with the study, and resumes it', async () => {
    workbench = testWorkbench(join(tempDir(), 'stop-plan.sqlite'));
    const spec = tinyStudy({
      axes: [{ field: 'loss.name', values: ['bt'] }],
      evaluation: { linear: true, knnSweep: true, linearSettings: { epochs: 2 } },
    });
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    const [runId] = workbench.store.studies.runIds(created.id);
    const kinds = () =>
      workbench!.store.evaluations.list(runId!).map((e) => `${e.kind} ${e.status} ${e.error ?? ''}`.trim());
    await expect.poll(kinds, { timeout: 120_000, interval: 50 }).toEqual(['linear running']);
    value(await workbench.dispatch('studies:stop', { studyId: created.id }));
    await expect
      .poll(kinds, { timeout: 10_000 })
      .toEqual([expect.stringMatching(/^linear failed Cancelled/)]);
    // Nothing more is queued while the study is stopped (the kNN sweep would have followed).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(kinds()).toHaveLength(1);
    expect(workbench.supervisor.isBusy(runId!)).toBe(false);

    value(await workbench.dispatch('studies:resume', { studyId: created.id }));
    const done = await waitForStudy(workbench, created.id, (summary) => summary.evaluations.completed === 2);
    expect(done.evaluations).toEqual({ planned: 2, queued: 0, running: 0, completed: 2, failed: 0 });
    expect(kinds()).toEqual([
      expect.stringMatching(/^linear failed Cancelled/),
      'linear completed',
      'knn completed',
    ]);
  }, 300_000);

  it('queues again a planned evaluation cancelled because its host closed, and only that one', async () => {
    const path = join(tempDir(), 'closed.sqlite');
    workbench = testWorkbench(path);
    // The long run must still train when the host closes, however fast the machine (one epoch of
    // the tiny configuration is only 16 steps, so it gets many).
    const spec = tinyStudy(
      {
        axes: [{ field: 'training.maxSteps', values: [6, 2000] }],
        evaluation: { linear: true, knnSweep: false, linearSettings: { epochs: 2 } },
      },
      tinyConfig({ training: { epochs: 200, batchSize: 64, maxSteps: 12 } }),
    );
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    const [short, long] = workbench.store.studies.runIds(created.id);
    // The short run completes first; its linear evaluation waits behind the long run (one worker).
    await expect
      .poll(() => workbench!.store.evaluations.list(short!).length, { timeout: 120_000, interval: 100 })
      .toBe(1);
    expect(workbench.store.runs.summary(long!)!.status).toBe('running');
    await workbench.close();
    // A CLI command's host leaves it (it would queue it for itself and cancel it when it ends).
    workbench = testWorkbench(path, { host: 'cli' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [cancelled, ...none] = workbench.store.evaluations.list(short!);
    expect(cancelled).toMatchObject({ status: 'failed', error: 'Cancelled: the application stopped' });
    expect(none).toEqual([]);
    await workbench.close();
    workbench = testWorkbench(path);

    // The new host queued it again at start; the long run, stopped by the close, is the user's to resume.
    await expect
      .poll(() => workbench!.store.evaluations.list(short!).map((e) => e.status), { timeout: 120_000 })
      .toEqual(['failed', 'completed']);
    expect(workbench.store.runs.summary(long!)!.status).toBe('stopped');
    const summary = value<StudySummary>(await workbench.dispatch('studies:get', { studyId: created.id }));
    expect(summary.evaluations).toEqual({ planned: 2, queued: 0, running: 0, completed: 1, failed: 0 });
  }, 300_000);
});
