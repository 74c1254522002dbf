import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '@shared/runs';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { hasProgress, hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../helpers/workbench';

function waitForEvaluation(
  workbench: Workbench,
  id: number,
): Promise<{ final: EvaluationSummary; progressed: boolean }> {
  return new Promise((resolve) => {
    let progressed = false;
    const unsubscribe = workbench.events.subscribe((channel, payload) => {
      const evaluation = payload as EvaluationSummary;
      if (channel !== 'run:evaluation' || evaluation.id !== id) return;
      if (evaluation.progress) progressed = true;
      if (evaluation.status === 'completed' || evaluation.status === 'failed') {
        unsubscribe();
        resolve({ final: evaluation, progressed });
      }
    });
  });
}

describe('offline evaluations through the supervisor and worker processes', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
  });

  it('stores a linear evaluation and a kNN grid for a run, with progress, leaving the run as it was', async () => {
    workbench = testWorkbench(join(tempDir(), 'evaluations.sqlite'));
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'evaluated' }),
      start: true,
    });
    await waitForRun(workbench, run.id, hasStatus('completed'));
    await expect.poll(() => workbench!.supervisor.isRunning(run.id)).toBe(false);

    const linear = await workbench.handlers['evaluations:start']({
      runId: run.id,
      kind: 'linear',
      settings: { epochs: 5 },
    });
    expect(linear).toMatchObject({
      kind: 'linear',
      checkpointStep: 12,
      status: 'running',
      settings: { epochs: 5, learningRate: 0.1 },
    });
    const linearDone = await waitForEvaluation(workbench, linear.id);
    expect(linearDone.progressed).toBe(true);
    expect(linearDone.final.status).toBe('completed');
    expect(linearDone.final.results.top1).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(linearDone.final.results.top5).toBeGreaterThan(linearDone.final.results.top1!);

    expect(() =>
      workbench!.handlers['evaluations:start']({ runId: run.id, kind: 'knn', settings: {} }),
    ).toThrow(/busy \(being evaluated\)/);
    await expect.poll(() => workbench!.supervisor.isRunning(run.id)).toBe(false);
    const knn = await workbench.handlers['evaluations:start']({ runId: run.id, kind: 'knn', settings: {} });
    const knnDone = await waitForEvaluation(workbench, knn.id);
    expect(knnDone.final.grid).toHaveLength(35);
    expect(knnDone.final.results.top1).toBe(Math.max(...knnDone.final.grid!.map((cell) => cell.top1)));

    expect((await workbench.handlers['evaluations:list']({ runId: run.id })).map((e) => e.status)).toEqual([
      'completed',
      'completed',
    ]);
    expect(workbench.store.runs.summary(run.id)!.status).toBe('completed');
  });

  it('refuses to evaluate a busy run, a run without checkpoints or a missing step', async () => {
    workbench = testWorkbench(join(tempDir(), 'refusals.sqlite'));
    const fresh = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'fresh' }),
      start: false,
    });
    expect(() =>
      workbench!.handlers['evaluations:start']({ runId: fresh.id, kind: 'knn', settings: {} }),
    ).toThrow(/no usable checkpoint/);
    const busy = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'busy', training: { epochs: 50, batchSize: 64 } }),
      start: true,
    });
    await waitForRun(workbench, busy.id, hasProgress(1));
    expect(() =>
      workbench!.handlers['evaluations:start']({ runId: busy.id, kind: 'knn', settings: {} }),
    ).toThrow(/is busy/);
    workbench.supervisor.stop(busy.id);
    await waitForRun(workbench, busy.id, hasStatus('stopped'));
    await expect.poll(() => workbench!.supervisor.isRunning(busy.id)).toBe(false);
    expect(() =>
      workbench!.handlers['evaluations:start']({
        runId: busy.id,
        kind: 'knn',
        checkpointStep: 99999,
        settings: {},
      }),
    ).toThrow(/no usable checkpoint at step 99999/);
  });
});
