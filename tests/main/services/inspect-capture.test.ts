import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventPayloads } from '@shared/api/contract';
import { callInputSchemas } from '@shared/api/schemas';
import { INSPECT_METRICS, type CaptureJob, type MatrixCells, type SnapshotSummary } from '@shared/inspect';
import type { Result } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { matrixKey, resolveRegion } from '../../../src-main/services/inspect/view-keys';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../helpers/workbench';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('inspector end to end: training snapshots, their metrics, a snapshot of a checkpoint', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('trains a short sBT run whose snapshots get inspect/* metrics, then snapshots its checkpoint in a capture job', async () => {
    workbench = testWorkbench(join(tempDir(), 'capture.sqlite'));
    const jobs: EventPayloads['inspect:job'][] = [];
    workbench.events.subscribe((channel, payload) => {
      if (channel === 'inspect:job') jobs.push(payload as CaptureJob);
    });
    const config = tinyConfig({
      loss: { name: 'fft-bt', blockSize: 16 },
      inspect: { probeImages: 32, everyEpochs: 1 },
    });
    const run = value<RunSummary>(await workbench.dispatch('runs:create', { config, start: true }));
    await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 120_000);
    expect(workbench.store.runs.summary(run.id)?.status).toBe('completed');
    const snapshots = value<SnapshotSummary[]>(
      await workbench.dispatch('inspect:snapshots', { runId: run.id }),
    );
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots[0]).toMatchObject({ step: 0, source: 'training', n: 32, d: 64 });
    const steps = snapshots.map((snapshot) => snapshot.step);
    // Every snapshot's metrics, derived by this host as the worker stored them.
    await vi.waitFor(
      () =>
        expect(workbench!.store.metrics.series(run.id, INSPECT_METRICS.offDiagonalRelaxed).steps).toEqual(
          steps,
        ),
      { timeout: 60_000, interval: 200 },
    );

    // The run is completed before its worker process has exited and left the run.
    await vi.waitFor(() => expect(workbench!.supervisor.isBusy(run.id)).toBe(false), { timeout: 30_000 });
    // Once the host trains no more, each snapshot's default overview is derived into the view cache.
    const defaultKey = (snapshot: SnapshotSummary) => {
      const input = callInputSchemas['inspect:matrix'].parse({ snapshotId: snapshot.id });
      return matrixKey(input, resolveRegion(input, snapshot.d));
    };
    await vi.waitFor(
      () => {
        for (const snapshot of snapshots)
          expect(workbench!.store.snapshots.view(snapshot.id, defaultKey(snapshot))).toBeDefined();
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(
      value<MatrixCells>(await workbench.dispatch('inspect:matrix', { snapshotId: snapshots[0]!.id })),
    ).toMatchObject({
      cached: true,
      rows: 64,
    });
    const job = value<CaptureJob>(await workbench.dispatch('inspect:capture', { runId: run.id }));
    expect(job).toMatchObject({ runId: run.id, status: 'running', snapshotId: null });
    // One worker per run: a second job waits until the first has finished.
    expect(await workbench.dispatch('inspect:capture', { runId: run.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/has a worker now/) },
    });
    await vi.waitFor(() => expect(jobs.at(-1)?.status).not.toBe('running'), {
      timeout: 120_000,
      interval: 200,
    });
    const done = jobs.at(-1)!;
    expect(done).toMatchObject({ id: job.id, status: 'completed', error: null });
    expect(jobs.some((event) => event.status === 'running' && event.stage !== 'waiting for a worker')).toBe(
      true,
    );
    const listed = value<CaptureJob[]>(await workbench.dispatch('inspect:jobs', { runId: run.id }));
    expect(listed).toEqual([done]);
    const captured = workbench.store.snapshots.summary(done.snapshotId!);
    expect(captured).toMatchObject({
      runId: run.id,
      source: 'checkpoint',
      step: job.checkpointStep,
      n: 32,
      d: 64,
    });
    expect(await workbench.dispatch('inspect:capture', { runId: run.id, checkpointStep: 5 })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/no usable checkpoint at step 5/) },
    });
  });
});
