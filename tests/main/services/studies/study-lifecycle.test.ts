import { copyFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '@shared/runs';
import type { StudyDetail, StudySummary } from '@shared/study/types';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { RESOURCES_DIR, testWorkbench, tinyConfig, waitForRun } from '../../../helpers/workbench';
import { collect, countRows, tinyStudy, value, waitForStudy } from './study-helpers';

const runsOf = async (workbench: Workbench, studyId: number): Promise<RunSummary[]> =>
  value<StudyDetail>(await workbench.dispatch('studies:get', { studyId })).runs.map((entry) => entry.run);

/** A tiny run long enough to be stopped while it trains. */
const longerConfig = () =>
  tinyConfig({ training: { epochs: 20, batchSize: 64, maxSteps: 120 }, checkpoint: { everyEpochs: 0 } });

describe('a study acts on all its runs: stop, resume, retry, delete', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
    workbench = undefined;
  });

  it('stops every run with a stop checkpoint, then resumes them from it to completion', async () => {
    workbench = testWorkbench(join(tempDir(), 'stop.sqlite'), { maxConcurrentRuns: 2 });
    const spec = tinyStudy({}, longerConfig());
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    const ids = (await runsOf(workbench, created.id)).map((run) => run.id);
    await Promise.all(ids.map((id) => waitForRun(workbench!, id, (run) => (run.progress?.step ?? 0) >= 3)));
    // The study's ETA follows its runs' progress on the event bus.
    const running = await new Promise<StudySummary>((resolve) => {
      const unsubscribe = workbench!.events.subscribe((channel, payload) => {
        const summary = payload as unknown as StudySummary;
        if (channel !== 'study:status' || summary.etaMs === null) return;
        unsubscribe();
        resolve(summary);
      });
    });
    expect(running.state).toBe('running');
    expect(running.etaMs).toBeGreaterThan(0);

    const stopping = value<StudySummary>(await workbench.dispatch('studies:stop', { studyId: created.id }));
    expect(stopping.counts.stopping + stopping.counts.stopped).toBe(2);
    const stopped = await waitForStudy(workbench, created.id, (summary) => summary.state === 'stopped');
    expect(stopped.counts).toMatchObject({ stopped: 2, total: 2 });
    const stopSteps: number[] = [];
    for (const id of ids) {
      const last = workbench.store.checkpoints.list(id).at(-1);
      expect(last?.reason, `run ${id}`).toBe('stop');
      expect(last!.step).toBeLessThan(120);
      stopSteps.push(last!.step);
    }

    const resumed = value<StudySummary>(await workbench.dispatch('studies:resume', { studyId: created.id }));
    expect(resumed.state).toBe('running');
    const done = await waitForStudy(workbench, created.id, (summary) => summary.state === 'completed');
    expect(done.counts).toMatchObject({ completed: 2, total: 2 });
    for (const [index, id] of ids.entries()) {
      const logs = workbench.store.logs.list(id, 0, 1000).map((line) => line.message);
      expect(logs).toContain(`Resuming from the checkpoint of step ${stopSteps[index]}`);
      // The loss series continues from the stop: every step once.
      const steps = workbench.store.metrics.series(id, 'loss').steps;
      expect(steps).toEqual(Array.from({ length: 120 }, (_, step) => step + 1));
    }
  }, 300_000);

  it('retries a failed run in one call: from scratch when it has no checkpoint', async () => {
    workbench = testWorkbench(join(tempDir(), 'retry.sqlite'));
    // An IDX copy of the embedded data whose training images disappear after the study is created.
    const folder = join(tempDir(), 'fashion');
    mkdirSync(folder);
    const source = join(RESOURCES_DIR, 'datasets', 'fashion-mnist-subset');
    for (const file of [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ])
      copyFileSync(join(source, file), join(folder, file));
    const spec = tinyStudy({
      axes: [
        {
          field: 'dataset',
          values: [
            { source: 'embedded', trainLimit: 1024 },
            { source: 'idx', path: folder, trainLimit: 1024 },
          ],
          labels: ['embedded', 'copy'],
        },
      ],
    });
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: false }));
    expect(created.state).toBe('created');
    const images = join(folder, 'train-images-idx3-ubyte.gz');
    renameSync(images, `${images}.away`);

    value(await workbench.dispatch('studies:start', { studyId: created.id }));
    const failed = await waitForStudy(workbench, created.id, (summary) => summary.state === 'failed');
    expect(failed.counts).toMatchObject({ completed: 1, failed: 1, total: 2 });
    const [good, bad] = await runsOf(workbench, created.id);
    expect(bad!.error).toMatch(/train-images/);

    renameSync(`${images}.away`, images);
    const retried = value<StudySummary>(await workbench.dispatch('studies:retry', { studyId: created.id }));
    expect(retried.state).toBe('running');
    const done = await waitForStudy(workbench, created.id, (summary) => summary.state === 'completed');
    expect(done.counts).toMatchObject({ completed: 2, total: 2 });
    const logs = workbench.store.logs.list(bad!.id, 0, 1000).map((line) => line.message);
    expect(logs).toContain('Restarted from scratch (was failed)');
    // The run that had completed was left as it was.
    expect((await runsOf(workbench, created.id))[0]).toMatchObject({ id: good!.id, endedAt: good!.endedAt });
  }, 300_000);

  it('retries a run whose worker crashed from its last good checkpoint', async () => {
    workbench = testWorkbench(join(tempDir(), 'crash.sqlite'));
    const base = tinyConfig({
      training: { epochs: 20, batchSize: 64, maxSteps: 120 },
      checkpoint: { everyEpochs: 0, everySteps: 10 },
    });
    const spec = tinyStudy({ axes: [{ field: 'loss.name', values: ['bt'] }] }, base);
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    const [runId] = workbench.store.studies.runIds(created.id);
    await waitForRun(workbench, runId!, (run) => (run.checkpointStep ?? 0) >= 10 && run.status === 'running');
    process.kill(workbench.supervisor.workerPid(runId!)!, 'SIGKILL');
    const failed = await waitForStudy(workbench, created.id, (summary) => summary.state === 'failed');
    expect(failed.counts).toMatchObject({ failed: 1, total: 1 });
    const checkpoint = workbench.store.checkpoints.list(runId!).at(-1)!;
    expect(checkpoint.step).toBeGreaterThanOrEqual(10);

    value(await workbench.dispatch('studies:retry', { studyId: created.id }));
    const done = await waitForStudy(workbench, created.id, (summary) => summary.state === 'completed');
    expect(done.counts).toMatchObject({ completed: 1, total: 1 });
    const logs = workbench.store.logs.list(runId!, 0, 1000).map((line) => line.message);
    expect(logs).toContain(`Resuming from the checkpoint of step ${checkpoint.step}`);
    expect(logs).not.toContain('Restarted from scratch (was failed)');
    expect(workbench.store.metrics.series(runId!, 'loss').steps).toEqual(
      Array.from({ length: 120 }, (_, step) => step + 1),
    );
  }, 300_000);

  it('deletes the study with its runs, stopping the active ones first', async () => {
    workbench = testWorkbench(join(tempDir(), 'delete.sqlite'));
    const deletedRuns = collect(workbench, 'run:deleted');
    const deletedStudies = collect(workbench, 'study:deleted');
    const spec = tinyStudy({}, longerConfig());
    const created = value<StudySummary>(await workbench.dispatch('studies:create', { spec, start: true }));
    const ids = (await runsOf(workbench, created.id)).map((run) => run.id);
    await waitForRun(workbench, ids[0]!, (run) => (run.progress?.step ?? 0) >= 2);

    const result = value<{ studyId: number; runIds: number[] }>(
      await workbench.dispatch('studies:delete', { studyId: created.id }),
    );
    expect(result).toEqual({ studyId: created.id, runIds: ids });
    expect(deletedRuns.map((event) => event.runId).sort()).toEqual(ids);
    expect(deletedStudies).toEqual([{ studyId: created.id }]);
    for (const table of ['studies', 'runs', 'checkpoints', 'metric_points', 'run_queue', 'run_leases'])
      expect(countRows(workbench, table), table).toBe(0);
    const missing = await workbench.dispatch('studies:get', { studyId: created.id });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  }, 120_000);
});
