import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { useWorkbenches } from '../../helpers/workbenches';
import { BUILD_DIR, hasProgress, hasStatus, tinyConfig, waitForRun } from '../../helpers/workbench';
import { childProcesses, isAlive } from '../host/host-process';

describe('supervisor with real forked worker processes', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('runs a run to completion: metrics, logs, backend and results land in SQLite', async () => {
    const workbench = workbenchAt(join(tempDir(), 'runs.sqlite'));
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'complete' }),
      start: true,
    });
    const done = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'));
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false); // the worker has exited
    const detail = workbench.store.runs.detail(run.id)!;
    expect(detail.backend).toBe('wasm');
    expect(detail.exitCode).toBe(0);
    expect(detail.results.steps).toBe(12);
    const loss = workbench.store.metrics.series(run.id, 'loss');
    expect(loss.steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(workbench.store.metrics.names(run.id)).toEqual(
      expect.arrayContaining([
        'loss',
        'loss/onDiagonal',
        'loss/offDiagonal',
        'learning_rate',
        'samples_per_second',
      ]),
    );
    expect(
      workbench.store.logs
        .list(run.id)
        .map((line) => line.message)
        .join('\n'),
    ).toMatch(/Training completed after 12 steps/);
    expect(done.progress).toMatchObject({ step: 12, totalSteps: 12 });
    expect(workbench.store.metrics.series(run.id, 'knn/top1').steps).toEqual([0, 12]); // initialisation and end
    expect(detail.results).toMatchObject({
      initialKnnTop1: expect.any(Number),
      finalKnnTop1: expect.any(Number),
    });
    expect(workbench.store.checkpoints.list(run.id)).toMatchObject([{ step: 12, reason: 'final' }]);
  });

  it('fails a run whose checkpoint cannot be stored, with the reason, and keeps the host alive', async () => {
    const workbench = workbenchAt(join(tempDir(), 'full-disk.sqlite'));
    workbench.store.checkpoints.save = () => {
      throw new Error('database or disk is full');
    };
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'no room' }),
      start: true,
    });
    const done = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'));
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/checkpoint of step \d+ could not be stored: database or disk is full/);
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
  });

  it('queues runs beyond the concurrency limit and starts them in order', async () => {
    const workbench = workbenchAt(join(tempDir(), 'queue.sqlite'), { maxConcurrentRuns: 1 });
    const first = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'first' }),
      start: true,
    });
    const second = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'second' }),
      start: true,
    });
    expect(workbench.store.runs.summary(first.id)!.status).toBe('running');
    expect(workbench.store.runs.summary(second.id)!.status).toBe('queued');
    const firstDone = await waitForRun(workbench, first.id, hasStatus('completed'));
    const secondDone = await waitForRun(workbench, second.id, hasStatus('completed'));
    expect(secondDone.startedAt!).toBeGreaterThanOrEqual(firstDone.endedAt!);
  });

  it('stops a running run gracefully after its current step', async () => {
    const workbench = workbenchAt(join(tempDir(), 'stop.sqlite'));
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ training: { epochs: 50, batchSize: 64 } }),
      start: true,
    });
    await waitForRun(workbench, run.id, hasProgress(3));
    workbench.handlers['runs:stop']({ runId: run.id });
    expect(workbench.store.runs.summary(run.id)!.status).toBe('stopping');
    const stopped = await waitForRun(workbench, run.id, hasStatus('stopped', 'failed', 'completed'));
    expect(stopped.status).toBe('stopped');
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    expect(workbench.store.runs.detail(run.id)!.exitCode).toBe(0); // it finished on its own, not killed
    const steps = workbench.store.metrics.series(run.id, 'loss').steps.length;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(steps).toBeLessThan(800);
  });

  it('restarts a stopped run from scratch, refuses to restart a completed one, and announces deletions', async () => {
    const workbench = workbenchAt(join(tempDir(), 'restart.sqlite'));
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ training: { epochs: 50, batchSize: 64 } }),
      start: true,
    });
    await waitForRun(workbench, run.id, hasProgress(2));
    workbench.handlers['runs:stop']({ runId: run.id });
    await waitForRun(workbench, run.id, hasStatus('stopped'));
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    expect(workbench.store.metrics.series(run.id, 'loss').steps.length).toBeGreaterThan(0);
    workbench.handlers['runs:start']({ runId: run.id });
    expect(workbench.store.metrics.series(run.id, 'loss').steps).toEqual([]); // the old attempt is gone
    await waitForRun(workbench, run.id, hasProgress(1));
    workbench.handlers['runs:stop']({ runId: run.id });
    await waitForRun(workbench, run.id, hasStatus('stopped'));
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    expect(workbench.store.metrics.series(run.id, 'loss').steps[0]).toBe(1);

    const done = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'done' }),
      start: true,
    });
    await waitForRun(workbench, done.id, hasStatus('completed'));
    expect(() => workbench.handlers['runs:start']({ runId: done.id })).toThrow(
      /is completed; it cannot be started now/,
    );
    await expect.poll(() => workbench.supervisor.isRunning(done.id)).toBe(false);
    const deleted: number[] = [];
    workbench.events.subscribe((channel, payload) => {
      if (channel === 'run:deleted') deleted.push((payload as { runId: number }).runId);
    });
    workbench.handlers['runs:delete']({ runId: done.id });
    expect(deleted).toEqual([done.id]);
  });

  it('kills a worker that does not stop within the timeout', async () => {
    const workbench = workbenchAt(join(tempDir(), 'kill.sqlite'), { stopTimeoutMs: 1 });
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ training: { epochs: 50, batchSize: 64 } }),
      start: true,
    });
    await waitForRun(workbench, run.id, hasProgress(1));
    workbench.supervisor.stop(run.id);
    const stopped = await waitForRun(workbench, run.id, hasStatus('stopped', 'failed'));
    expect(stopped.status).toBe('stopped');
    expect(workbench.store.logs.list(run.id).some((line) => /was killed/.test(line.message))).toBe(true);
  });

  it('marks a crashed worker failed with its signal and last log lines, and keeps working', async () => {
    const workbench = workbenchAt(join(tempDir(), 'crash.sqlite'));
    const run = await workbench.handlers['runs:create']({
      config: tinyConfig({ training: { epochs: 50, batchSize: 64 } }),
      start: true,
    });
    await waitForRun(workbench, run.id, hasProgress(2));
    process.kill(workbench.supervisor.workerPid(run.id)!, 'SIGKILL');
    const failed = await waitForRun(workbench, run.id, hasStatus('failed'));
    expect(failed.error).toMatch(/crashed \(signal SIGKILL\)/);
    expect(failed.error).toMatch(/Last log lines:[\s\S]*Backend wasm/);
    expect(workbench.store.runs.detail(run.id)).toMatchObject({ exitSignal: 'SIGKILL', exitCode: null });
    const next = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'after the crash' }),
      start: true,
    });
    expect((await waitForRun(workbench, next.id, hasStatus('completed', 'failed'))).status).toBe('completed');
  });

  it('marks runs interrupted when their host process died, and their worker exits too', async () => {
    const path = join(tempDir(), 'interrupted.sqlite');
    const config = join(tempDir(), 'long.json');
    writeFileSync(
      config,
      JSON.stringify(tinyConfig({ name: 'long', training: { epochs: 50, batchSize: 64 } })),
    );
    const host = spawn(
      process.execPath,
      [join(BUILD_DIR, 'cli.js'), 'train', '--config', config, '--db', path, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => /\d+\/\d+/.test(output), { timeout: 30_000, interval: 100 }).toBe(true);
    const workers = childProcesses(host.pid!);
    expect(workers).toHaveLength(1);
    host.kill('SIGKILL');
    await new Promise((resolve) => host.once('exit', resolve));
    const workbench = workbenchAt(path);
    expect(workbench.interruptedAtStart).toHaveLength(1);
    const run = workbench.store.runs.summary(workbench.interruptedAtStart[0]!)!;
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(
      /the CLI \(process \d+\) that trained this run ended while it was in progress \(found when the serve host/,
    );
    // The orphaned worker noticed its parent was gone and quit instead of training on alone.
    await expect.poll(() => isAlive(workers[0]!), { timeout: 10_000, interval: 100 }).toBe(false);
  });
});
