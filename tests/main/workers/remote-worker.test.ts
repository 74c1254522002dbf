import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import type { MetricPoint } from '@shared/metrics';
import { STOP_FILE, type JournalLine, type RemoteJob } from '../../../src-main/workers/journal/format';
import { loadCheckpointFile, readWholeJournal } from '../../../src-main/workers/journal/journal-reader';
import { writeRemoteJob } from '../../../src-main/workers/journal/journal-writer';
import { remoteResourcesDir } from '../../../src-main/workers/remote-worker';
import { useTempDir } from '../../helpers/temp-dir';
import { useWorkbenches } from '../../helpers/workbenches';
import {
  BUILD_DIR,
  hasStatus,
  requireBuild,
  RESOURCES_DIR,
  tinyConfig,
  waitForRun,
} from '../../helpers/workbench';

/** 100 steps (16 per epoch), a checkpoint every 20: long enough to be stopped midway. */
const config = () =>
  tinyConfig({
    name: 'remote',
    seed: 7,
    training: { epochs: 8, batchSize: 64, maxSteps: 100 },
    checkpoint: { everyEpochs: 0, everySteps: 20, keepLast: 3, keepBest: true },
    inspect: { enabled: false },
  });

function writeJob(dir: string, requeue: boolean, resourcesDir = RESOURCES_DIR): void {
  writeRemoteJob(dir, {
    version: 1,
    runId: 1,
    name: 'remote',
    config: runConfigSchema.parse(config()),
    resourcesDir,
    requeue,
    createdAt: Date.now(),
  });
}

/** `node out/main/cli.js worker --run-dir DIR` in a real process, with Slurm's variables as given. */
function startWorker(dir: string, slurm: Record<string, string> = {}) {
  requireBuild();
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLURM_')));
  const child = spawn(process.execPath, [join(BUILD_DIR, 'cli.js'), 'worker', '--run-dir', dir], {
    env: { ...env, ...slurm },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  return { child, exited };
}

const lossPoints = (lines: JournalLine[]): MetricPoint[] =>
  lines.flatMap((line) =>
    line.type === 'metrics' ? line.points.filter((point) => point.name === 'loss') : [],
  );

const lastOf = <T extends JournalLine['type']>(lines: JournalLine[], type: T) =>
  lines.filter((line): line is Extract<JournalLine, { type: T }> => line.type === type).at(-1);

/** Waits until the journal shows training progress at `step` or later. */
async function untilStep(dir: string, step: number): Promise<void> {
  await expect
    .poll(() => lastOf(readWholeJournal(dir), 'progress')?.progress.step ?? 0, {
      timeout: 60_000,
      interval: 50,
    })
    .toBeGreaterThanOrEqual(step);
}

describe('the remote worker (worker --run-dir)', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('trains a run folder to the same per-step losses as a local run', async () => {
    const dir = tempDir();
    writeJob(dir, false);
    const { code, output } = await startWorker(dir, { SLURM_JOB_ID: '41' }).exited;
    expect(code, output).toBe(0);
    const lines = readWholeJournal(dir);
    const types = new Set(lines.map((line) => line.type));
    for (const type of ['segment', 'started', 'progress', 'metrics', 'checkpoint', 'done'] as const)
      expect(types).toContain(type);
    expect(lines[0]).toMatchObject({ type: 'segment', jobId: '41', restart: 0, resumeStep: null });
    expect(lines.at(-1)).toMatchObject({ type: 'done', outcome: 'completed' });
    expect(lines.at(-1)).not.toHaveProperty('requeue');
    const checkpoint = lastOf(lines, 'checkpoint')!;
    expect(checkpoint).toMatchObject({ step: 100, reason: 'final' });
    expect(loadCheckpointFile(dir, checkpoint).length).toBe(checkpoint.bytes);

    // Started again on a completed run folder: nothing to do, nothing written.
    const again = await startWorker(dir).exited;
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/has completed already/);
    expect(readWholeJournal(dir)).toHaveLength(lines.length);

    const workbench = workbenchAt(join(tempDir(), 'local.sqlite'));
    const local = await workbench.handlers['runs:create']({ config: config(), start: true });
    await waitForRun(workbench, local.id, hasStatus('completed'), 120_000);
    const expected = workbench.store.metrics.series(local.id, 'loss');
    expect(expected.steps).toHaveLength(100);
    const remote = lossPoints(lines);
    expect(remote.map((point) => point.step)).toEqual(expected.steps);
    expect(remote.map((point) => point.value)).toEqual(expected.values);
  });

  it('stops at the user request (stop-requested, then SIGTERM): a stop checkpoint, done stopped, exit 0', async () => {
    const dir = tempDir();
    writeJob(dir, true);
    const worker = startWorker(dir);
    await untilStep(dir, 5);
    writeFileSync(join(dir, STOP_FILE), ''); // as the host does before it signals the job
    worker.child.kill('SIGTERM');
    const { code, output } = await worker.exited;
    expect(code, output).toBe(0);
    expect(output).toMatch(/SIGTERM: stopping after this step/);
    const lines = readWholeJournal(dir);
    const stop = lastOf(lines, 'checkpoint')!;
    expect(stop.reason).toBe('stop');
    expect(stop.step).toBeLessThan(100);
    expect(lines.at(-1)).toEqual(expect.objectContaining({ type: 'done', outcome: 'stopped' }));
    expect(lines.at(-1)).not.toHaveProperty('requeue');
  });

  it('stops when stop-requested appears, even without a signal', async () => {
    const dir = tempDir();
    writeJob(dir, true);
    const worker = startWorker(dir);
    await untilStep(dir, 5);
    writeFileSync(join(dir, STOP_FILE), '');
    const { code, output } = await worker.exited;
    expect(code, output).toBe(0);
    const lines = readWholeJournal(dir);
    expect(lastOf(lines, 'checkpoint')).toMatchObject({ reason: 'stop' });
    expect(lines.at(-1)).toEqual(expect.objectContaining({ type: 'done', outcome: 'stopped' }));
  });

  it('stopped by a signal without a stop request: exit 75 and requeue; the next process resumes with no gap', async () => {
    const dir = tempDir();
    writeJob(dir, true);
    const first = startWorker(dir, { SLURM_JOB_ID: '77' });
    await untilStep(dir, 5);
    first.child.kill('SIGTERM');
    const stopped = await first.exited;
    expect(stopped.code, stopped.output).toBe(75);
    const afterStop = readWholeJournal(dir);
    expect(afterStop.at(-1)).toMatchObject({ type: 'done', outcome: 'stopped', requeue: true });
    const stop = lastOf(afterStop, 'checkpoint')!;
    expect(stop.reason).toBe('stop');

    const second = await startWorker(dir, { SLURM_JOB_ID: '77', SLURM_RESTART_COUNT: '1' }).exited;
    expect(second.code, second.output).toBe(0);
    const lines = readWholeJournal(dir);
    const segments = lines.filter((line) => line.type === 'segment');
    expect(segments).toMatchObject([
      { jobId: '77', restart: 0, resumeStep: null },
      { jobId: '77', restart: 1, resumeStep: stop.step },
    ]);
    expect(lines.at(-1)).toMatchObject({ type: 'done', outcome: 'completed' });
    const steps = lossPoints(lines).map((point) => point.step);
    expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // The training time carries on from the first process's last progress.
    const trainingMs = lines.flatMap((line) => (line.type === 'progress' ? [line.progress.trainingMs!] : []));
    expect(trainingMs).toEqual([...trainingMs].sort((a, b) => a - b));
    // seq runs on across the two processes.
    expect(lines.map((line) => line.seq)).toEqual(lines.map((_, i) => i + 1));
  });

  it('stopped by Slurm’s signal with requeue off: a stop checkpoint, then failed (resumable), exit 1', async () => {
    const dir = tempDir();
    writeJob(dir, false);
    const worker = startWorker(dir, { SLURM_JOB_ID: '78' });
    await untilStep(dir, 5);
    worker.child.kill('SIGTERM'); // a time limit or preemption: no stop-requested
    const { code, output } = await worker.exited;
    expect(code, output).toBe(1);
    const lines = readWholeJournal(dir);
    const stop = lastOf(lines, 'checkpoint')!;
    expect(stop.reason).toBe('stop');
    expect(lines.some((line) => line.type === 'done')).toBe(false);
    expect(lines.at(-1)).toMatchObject({
      type: 'failed',
      message: `Stopped by Slurm (SIGTERM) before it finished, with requeue off; resume continues from the checkpoint of step ${stop.step}`,
    });
    expect(lines.indexOf(stop)).toBeLessThan(lines.length - 1);
  });

  it('reads the resources of its own installation, not job.json’s (the desktop’s, which the nodes may lack)', async () => {
    const dir = tempDir();
    writeJob(dir, false, join(dir, 'the-desktops-resources'));
    const worker = startWorker(dir);
    await untilStep(dir, 2); // the embedded dataset loaded
    writeFileSync(join(dir, STOP_FILE), '');
    const { code, output } = await worker.exited;
    expect(code, output).toBe(0);
    expect(output).toContain(`Resources folder of this installation: ${RESOURCES_DIR}`);
  });

  it('picks DECORBENCH_RESOURCES first, then the installation’s, then job.json’s, saying which', () => {
    const job = { resourcesDir: '/desktop/resources' } as RemoteJob;
    expect(remoteResourcesDir(job, { DECORBENCH_RESOURCES: '/mine' }, BUILD_DIR)).toEqual({
      dir: '/mine',
      why: 'from DECORBENCH_RESOURCES',
    });
    const saved = process.env.DECORBENCH_RESOURCES;
    delete process.env.DECORBENCH_RESOURCES;
    try {
      expect(remoteResourcesDir(job, {}, BUILD_DIR)).toEqual({
        dir: RESOURCES_DIR,
        why: 'of this installation',
      });
      const elsewhere = tempDir();
      expect(remoteResourcesDir(job, {}, elsewhere)).toEqual({
        dir: '/desktop/resources',
        why: `from job.json (none found above ${elsewhere})`,
      });
    } finally {
      if (saved !== undefined) process.env.DECORBENCH_RESOURCES = saved;
    }
  });

  it('a run that cannot train writes a failed line and exits 1', async () => {
    const dir = tempDir();
    writeJob(dir, true);
    const missing = join(dir, 'no-such-resources');
    const { code, output } = await startWorker(dir, { DECORBENCH_RESOURCES: missing }).exited;
    expect(code, output).toBe(1);
    expect(output).toContain(`Resources folder from DECORBENCH_RESOURCES: ${missing}`);
    const last = readWholeJournal(dir).at(-1);
    expect(last?.type).toBe('failed');
  });
});
