import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SnapshotSummary } from '@shared/inspect';
import type { CaptureListener } from '../../../src-main/services/capture-run';
import type { Workbench } from '../../../src-main/services/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../helpers/workbench';

/** A listener that records what it hears; `ended` resolves with the error (null: success). */
function recorder() {
  const heard = { progress: [] as string[], snapshots: [] as SnapshotSummary[] };
  let resolve!: (error: string | null) => void;
  const ended = new Promise<string | null>((done) => (resolve = done));
  const listener: CaptureListener = {
    progress: (stage, done, total) => heard.progress.push(`${stage} ${done}/${total}`),
    snapshot: (summary) => heard.snapshots.push(summary),
    end: (error) => resolve(error),
  };
  return { heard, ended, listener };
}

describe('capture: a snapshot of a stored checkpoint, in a worker process', () => {
  const tempDir = useTempDir();
  let workbench: Workbench | undefined;
  afterEach(async () => {
    await workbench?.close();
  });

  it('takes the same snapshot from the final checkpoint as training took at that step', async () => {
    workbench = testWorkbench(join(tempDir(), 'capture.sqlite'));
    const { store, supervisor, events } = workbench;
    const config = tinyConfig({
      name: 'captured',
      loss: { name: 'fft-bt', blockSize: 8, permutation: 'batch' },
      inspect: { everyEpochs: 0, everySteps: 6, probeImages: 64 },
    });
    const run = await workbench.handlers['runs:create']({ config, start: true });
    await waitForRun(workbench, run.id, hasStatus('completed'));
    await expect.poll(() => supervisor.isRunning(run.id)).toBe(false);
    const training = store.snapshots.list(run.id);
    expect(training.map((s) => [s.step, s.source])).toEqual([
      [0, 'training'],
      [6, 'training'],
      [12, 'training'],
    ]);

    const announced: SnapshotSummary[] = [];
    events.subscribe((channel, payload) => {
      if (channel === 'run:snapshot') announced.push(payload as SnapshotSummary);
    });
    const final = store.checkpoints.list(run.id).at(-1)!;
    const { heard, ended, listener } = recorder();
    expect(supervisor.startCapture(run.id, final.id, listener)).toBe(true);
    expect(supervisor.isBusy(run.id)).toBe(true);
    expect(await ended).toBeNull();
    expect(heard.progress).toContain('probe batch forward 4/4');
    expect(heard.snapshots).toHaveLength(1);
    const captured = heard.snapshots[0]!;
    expect(announced).toEqual([captured]);
    expect(captured).toMatchObject({ step: 12, source: 'checkpoint', n: 64, d: 64, hasPermutation: true });
    // The same weights on the same probe batch: the numbers of training's snapshot of step 12.
    const fromTraining = store.snapshots.load(training[2]!.id)!.data;
    const fromCheckpoint = store.snapshots.load(captured.id)!.data;
    expect(fromCheckpoint.z1).toEqual(fromTraining.z1);
    expect(fromCheckpoint.z2).toEqual(fromTraining.z2);
    expect(fromCheckpoint.h1).toEqual(fromTraining.h1);
    expect(fromCheckpoint.permutation).toHaveLength(64);
    await expect.poll(() => supervisor.isBusy(run.id)).toBe(false);
    expect(store.runs.summary(run.id)!.status).toBe('completed');
  }, 180_000);

  it('tells the listener why when it cannot start', async () => {
    workbench = testWorkbench(join(tempDir(), 'refused.sqlite'));
    const run = await workbench.handlers['runs:create']({ config: tinyConfig(), start: false });
    const { ended, listener } = recorder();
    expect(workbench.supervisor.startCapture(run.id, 999, listener)).toBe(false);
    expect(await ended).toMatch(/no checkpoint 999/);
    expect(workbench.supervisor.isBusy(run.id)).toBe(false);
  });
});
