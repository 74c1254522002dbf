import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { useWorkbenches } from '../../helpers/workbenches';
import { hasProgress, hasStatus, tinyConfig, waitForRun } from '../../helpers/workbench';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 160 steps, a checkpoint every 8: long enough to stop late and time the resumed segment. */
const config = tinyConfig({
  name: 'progress across a resume',
  dataset: { source: 'embedded', trainLimit: 1024 },
  training: { epochs: 10, batchSize: 64, maxSteps: 160 },
  evaluation: { everyEpochs: 0, bankLimit: 256, testLimit: 128 },
  checkpoint: { everyEpochs: 0, everySteps: 8, keepLast: 2, keepBest: false },
});

describe('progress figures of a real worker across a resume', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('the ETA follows the resumed segment and the training time leaves out the pause', async () => {
    const workbench = workbenchAt(join(tempDir(), 'progress.sqlite'));
    const run = await workbench.handlers['runs:create']({ config, start: true });
    await waitForRun(workbench, run.id, hasProgress(64));
    workbench.handlers['runs:stop']({ runId: run.id });
    const stopped = await waitForRun(workbench, run.id, hasStatus('stopped'));
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    // The worker reports once more as it stops, so the time up to the stop is kept.
    const stoppedAt = stopped.progress!;
    expect(stoppedAt.trainingMs).toBeGreaterThan(0);
    expect(stoppedAt.timeMs).toBeLessThanOrEqual(stopped.endedAt!);

    const pauseMs = 1500;
    await sleep(pauseMs);
    workbench.handlers['runs:resume']({ runId: run.id });
    const resumedStep = workbench.store.checkpoints.list(run.id).at(-1)!.step;
    const early = await waitForRun(workbench, run.id, hasProgress(resumedStep + 12));
    const later = await waitForRun(workbench, run.id, hasProgress(early.progress!.step + 12));
    const [a, b] = [early.progress!, later.progress!];
    const msPerStep = (b.timeMs! - a.timeMs!) / (b.step - a.step);
    // The estimate is the remaining steps at this segment's rate. The old one divided this
    // segment's time by all the run's steps, which here is about 3x too short.
    expect(b.etaMs! / (b.totalSteps - b.step)).toBeGreaterThan(msPerStep * 0.5);
    expect(b.etaMs! / (b.totalSteps - b.step)).toBeLessThan(msPerStep * 2.5);
    // Training time goes on from the first segment's total, without the pause.
    expect(b.trainingMs!).toBeGreaterThan(stoppedAt.trainingMs!);
    expect(b.trainingMs! - stoppedAt.trainingMs!).toBeLessThanOrEqual(b.timeMs! - stopped.endedAt! - pauseMs);

    const done = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'));
    expect(done.status).toBe('completed');
    const wallMs = done.endedAt! - done.startedAt!;
    expect(done.progress!.trainingMs!).toBeLessThanOrEqual(wallMs - pauseMs);
    expect(done.progress!.trainingMs!).toBeGreaterThan(stoppedAt.trainingMs!);
    expect(done.checkpointStep).toBe(160);
  }, 150_000);
});
