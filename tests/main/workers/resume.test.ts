import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { useWorkbenches } from '../../helpers/workbenches';
import { BUILD_DIR, hasProgress, hasStatus, tinyConfig, waitForRun } from '../../helpers/workbench';

/** 16 steps (1024 images, batch 64), a checkpoint every 4 steps. */
const config = (name: string) =>
  tinyConfig({
    name,
    seed: 7,
    training: { epochs: 2, batchSize: 64, maxSteps: 24 },
    checkpoint: { everyEpochs: 0, everySteps: 4, keepLast: 3, keepBest: true },
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('checkpoints and resume with real workers', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('a run stopped and resumed reproduces the uninterrupted per-step losses', async () => {
    const workbench = workbenchAt(join(tempDir(), 'resume.sqlite'));
    const straight = await workbench.handlers['runs:create']({ config: config('straight'), start: true });
    await waitForRun(workbench, straight.id, hasStatus('completed'));
    const expected = workbench.store.metrics.series(straight.id, 'loss');
    expect(expected.steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(workbench.store.checkpoints.list(straight.id).map((c) => c.step)).toEqual([16, 20, 24]);

    const interrupted = await workbench.handlers['runs:create']({
      config: config('interrupted'),
      start: true,
    });
    await waitForRun(workbench, interrupted.id, hasProgress(9));
    workbench.handlers['runs:stop']({ runId: interrupted.id });
    await waitForRun(workbench, interrupted.id, hasStatus('stopped'));
    await expect.poll(() => workbench.supervisor.isRunning(interrupted.id)).toBe(false);
    const stopCheckpoint = workbench.store.checkpoints.list(interrupted.id).at(-1)!;
    expect(stopCheckpoint.reason).toBe('stop');
    expect(stopCheckpoint.step).toBeLessThan(24);

    workbench.handlers['runs:resume']({ runId: interrupted.id });
    const resumed = await waitForRun(workbench, interrupted.id, hasStatus('completed', 'failed'));
    expect(resumed.error).toBeNull();
    const actual = workbench.store.metrics.series(interrupted.id, 'loss');
    expect(actual.steps).toEqual(expected.steps); // no duplicated or missing steps
    actual.values.forEach((value, i) => expect(value).toBeCloseTo(expected.values[i]!, 5));
    const logs = workbench.store.logs.list(interrupted.id).map((line) => line.message);
    expect(logs).toContain(`Resuming from the checkpoint of step ${stopCheckpoint.step}`);
  });

  it('falls back to the previous good checkpoint when the newest is corrupt', async () => {
    const workbench = workbenchAt(join(tempDir(), 'corrupt.sqlite'));
    const run = await workbench.handlers['runs:create']({ config: config('corrupt'), start: true });
    await waitForRun(workbench, run.id, hasProgress(10));
    workbench.handlers['runs:stop']({ runId: run.id });
    await waitForRun(workbench, run.id, hasStatus('stopped'));
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    const [previous, newest] = workbench.store.checkpoints.list(run.id).slice(-2);
    workbench.store.database
      .prepare('UPDATE checkpoints SET data = substr(data, 1, 100) WHERE id = ?')
      .run(newest!.id);
    workbench.handlers['runs:resume']({ runId: run.id });
    const logs = workbench.store.logs.list(run.id).map((line) => line.message);
    expect(logs.some((line) => line.startsWith(`Skipping the checkpoint of step ${newest!.step}`))).toBe(
      true,
    );
    expect(workbench.store.metrics.series(run.id, 'loss').steps.at(-1)).toBe(previous!.step);
    expect((await waitForRun(workbench, run.id, hasStatus('completed', 'failed'))).status).toBe('completed');
    expect(workbench.store.metrics.series(run.id, 'loss').steps).toHaveLength(24);
  });

  it('kill -9 of the worker loses only unflushed metrics, and the run resumes from its last checkpoint', async () => {
    const workbench = workbenchAt(join(tempDir(), 'kill-worker.sqlite'));
    const long = { ...config('killed worker'), training: { epochs: 30, batchSize: 64, maxSteps: 300 } };
    const run = await workbench.handlers['runs:create']({ config: long, start: true });
    await waitForRun(workbench, run.id, hasProgress(10));
    const seen = workbench.store.runs.summary(run.id)!.progress!.step;
    await sleep(1100); // metrics are flushed at least every second
    process.kill(workbench.supervisor.workerPid(run.id)!, 'SIGKILL');
    await waitForRun(workbench, run.id, hasStatus('failed'));
    expect(Math.max(...workbench.store.metrics.series(run.id, 'loss').steps)).toBeGreaterThanOrEqual(seen);
    expect(workbench.store.checkpoints.list(run.id).length).toBeGreaterThan(0);
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    workbench.handlers['runs:resume']({ runId: run.id });
    expect((await waitForRun(workbench, run.id, hasStatus('completed', 'failed'))).status).toBe('completed');
    expect(workbench.store.metrics.series(run.id, 'loss').steps).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
  });

  it('kill -9 of the host leaves a sound database and a resumable run', async () => {
    const path = join(tempDir(), 'kill-host.sqlite');
    const file = join(tempDir(), 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ ...config('killed host'), training: { epochs: 30, batchSize: 64, maxSteps: 300 } }),
    );
    const host = spawn(
      process.execPath,
      [join(BUILD_DIR, 'cli.js'), 'train', '--config', file, '--db', path],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let output = '';
    host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Wait until checkpoints exist and metrics are streaming in, then kill the host mid-write.
    const lastStep = () =>
      Math.max(0, ...[...output.matchAll(/ (\d+)\/300 /g)].map((match) => Number(match[1])));
    await expect.poll(lastStep, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(40);
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));
    const check = new BetterSqlite3(path);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    await sleep(300); // the orphaned worker notices its parent is gone and exits
    const workbench = workbenchAt(path);
    const [runId] = workbench.interruptedAtStart;
    expect(workbench.store.runs.summary(runId!)!.status).toBe('interrupted');
    workbench.handlers['runs:resume']({ runId: runId! });
    expect((await waitForRun(workbench, runId!, hasStatus('completed', 'failed'))).status).toBe('completed');
    expect(workbench.store.metrics.series(runId!, 'loss').steps).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
  });
});
