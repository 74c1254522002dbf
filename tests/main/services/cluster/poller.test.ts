import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPoller } from '../../../../src-main/services/cluster/poller';
import type { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { FakeSlurm } from './fake-slurm-states';
import { lossPoints, lossSeries, placedRun, type PlacedRun } from './journal-fixture';

describe('the cluster poller', () => {
  const tempDir = useTempDir('decorbench-poller-');
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = (options?: Parameters<typeof placedRun>[1]) => {
    const placed = placedRun(tempDir(), options);
    const slurm = new FakeSlurm();
    const notices: string[] = [];
    const poller = new ClusterPoller({
      store: placed.store,
      events: placed.events,
      slurm,
      pollMs: 20,
      notify: (line) => notices.push(line),
    });
    cleanups.push(
      () => placed.store.close(),
      () => poller.stop(),
    );
    const job = placed.store.cluster.addJob(placed.runId, { jobId: '12' });
    return { ...placed, slurm, poller, notices, job };
  };
  const status = (placed: PlacedRun) => placed.store.runs.summary(placed.runId)!.status;
  const logs = (store: RunStore, runId: number) => store.logs.list(runId).map((line) => line.message);
  const jobEvents = (placed: PlacedRun) => placed.emitted.filter((event) => event.channel === 'cluster:job');

  it('shows a pending job’s reason once and a running job as running, announcing each change', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId } = placed;
    slurm.set('12', 'PENDING', { reason: 'Resources' });
    await poller.pollOnce();
    await poller.pollOnce();
    expect(status(placed)).toBe('queued');
    expect(logs(store, runId)).toEqual(['Slurm job 12 is pending (Resources)']);
    expect(jobEvents(placed)).toHaveLength(1);
    expect(store.runs.summary(runId)!.placement).toMatchObject({
      jobId: '12',
      slurmState: 'PENDING',
      reason: 'Resources',
    });

    slurm.set('12', 'RUNNING', { startedAt: 1000 });
    await poller.pollOnce();
    expect(status(placed)).toBe('running');
    expect(jobEvents(placed)).toHaveLength(2);
    expect(jobEvents(placed).at(-1)!.payload).toMatchObject({ jobId: '12', state: 'RUNNING', node: 'vm' });
    expect(store.cluster.job(placed.job.id)).toMatchObject({ settled: false, startedAt: 1000 });
  });

  it('lets the journal’s done decide the end of a job that completed, then stops polling it', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId, journal } = placed;
    slurm.set('12', 'RUNNING');
    journal.segment('12', 0, null).metrics(lossPoints(1, 4));
    await poller.pollOnce();
    expect(status(placed)).toBe('running');
    // The worker writes its last lines and exits after the poll read the journal and before
    // Slurm answers: the job's end is applied only after reading the journal again.
    slurm.meanwhile = () => {
      journal.metrics(lossPoints(5, 6)).done('completed', { loss: 6 });
      slurm.set('12', 'COMPLETED', { exitCode: '0:0', endedAt: 5000 });
    };
    await poller.pollOnce();
    expect(store.runs.summary(runId)).toMatchObject({
      status: 'completed',
      error: null,
      results: { loss: 6 },
    });
    expect(lossSeries(store, runId)).toHaveLength(6);
    expect(store.cluster.job(placed.job.id)!.settled).toBe(true);
    const calls = slurm.stateCalls;
    await poller.pollOnce();
    expect(slurm.stateCalls).toBe(calls); // nothing left to ask Slurm about
  });

  it('fails a run whose job died without a journal end, naming state, node and exit, resumable from its checkpoint', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 5));
    journal.checkpoint(5);
    journal.metrics(lossPoints(6, 7));
    slurm.set('12', 'NODE_FAIL', { exitCode: '0:9' });
    await poller.pollOnce();
    const message =
      'Slurm job 12 ended NODE_FAIL on vm (exit 0:9); resume continues from the checkpoint of step 5';
    expect(store.runs.summary(runId)).toMatchObject({ status: 'failed', error: message, checkpointStep: 5 });
    expect(logs(store, runId)).toContain(message);
    expect(lossSeries(store, runId)).toHaveLength(7); // everything the journal committed is kept
    expect(placed.notices).toEqual([`Run ${runId} failed: ${message}`]);
    expect(store.cluster.job(placed.job.id)!.settled).toBe(true);
  });

  it('quotes the job’s output when it failed before its worker wrote anything', async () => {
    const placed = setUp();
    writeFileSync(join(placed.runDir, 'slurm-12.out'), 'setting up\n/bin/sh: 1: node20: not found\n');
    placed.slurm.set('12', 'FAILED', { exitCode: '127:0' });
    await placed.poller.pollOnce();
    expect(placed.store.runs.summary(placed.runId)!.error).toBe(
      'Slurm job 12 ended FAILED on vm (exit 127:0); it has no checkpoint: resume starts it again from the beginning\n' +
        'The end of slurm-12.out:\nsetting up\n/bin/sh: 1: node20: not found',
    );
  });

  it('ends a run stopped by the user `stopped` when its job was cancelled before writing its end', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId } = placed;
    slurm.set('12', 'RUNNING');
    await poller.pollOnce();
    store.cluster.setStopRequested(runId, Date.now());
    store.runs.setStatus(runId, { status: 'stopping' });
    slurm.set('12', 'CANCELLED', { exitCode: '0:15' });
    await poller.pollOnce();
    expect(store.runs.summary(runId)).toMatchObject({ status: 'stopped', error: null });
    expect(logs(store, runId).at(-1)).toBe(
      'Slurm job 12 ended CANCELLED on vm (exit 0:15) after the stop request; it has no checkpoint: resume starts it again from the beginning',
    );
  });

  it('cancels a job still running after its stop’s grace period, once, with plain scancel', async () => {
    const placed = setUp({ stopGraceSeconds: 5 });
    const { slurm, poller, store, runId } = placed;
    slurm.set('12', 'RUNNING');
    store.cluster.setStopRequested(runId, Date.now() - 2000);
    await poller.pollOnce();
    expect(slurm.cancelled).toEqual([]);
    store.cluster.setStopRequested(runId, Date.now() - 6000);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(slurm.cancelled).toEqual([{ jobId: '12', options: undefined }]);
    expect(logs(store, runId)).toContain('Slurm job 12 did not stop within 5 s: cancelled (scancel)');
  });

  it('counts a job Slurm no longer knows as ended (UNKNOWN) once it is missing from two polls', async () => {
    const placed = setUp();
    const { poller, store, runId } = placed;
    store.runs.setStatus(runId, { status: 'running' });
    await poller.pollOnce();
    expect(store.cluster.job(placed.job.id)!.settled).toBe(false);
    await poller.pollOnce();
    expect(store.runs.summary(runId)).toMatchObject({
      status: 'failed',
      error:
        'Slurm job 12 ended UNKNOWN (Slurm no longer knows it); it has no checkpoint: resume starts it again from the beginning',
    });
  });

  it('says a Slurm error once per distinct error, never throws, and carries on when Slurm answers again', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId, notices } = placed;
    slurm.failure = new Error('squeue was not found on PATH');
    await poller.pollOnce();
    await poller.pollOnce();
    expect(notices).toEqual(["Cannot ask Slurm about the cluster's jobs: squeue was not found on PATH"]);
    slurm.failure = new Error('slurm_load_jobs error: Unable to contact slurm controller');
    await poller.pollOnce();
    expect(notices).toHaveLength(2);
    expect(status(placed)).toBe('queued');
    slurm.failure = undefined;
    slurm.set('12', 'RUNNING');
    await poller.pollOnce();
    expect(status(placed)).toBe('running');
    expect(store.cluster.job(placed.job.id)!.settled).toBe(false);
    expect(logs(store, runId)).toEqual([]);
  });

  it('settles an older job of the run without touching the run its newer job trains', async () => {
    const placed = setUp();
    const { slurm, poller, store, runId } = placed;
    const newer = store.cluster.addJob(runId, { jobId: '13' });
    slurm.set('12', 'FAILED', { exitCode: '1:0' });
    slurm.set('13', 'RUNNING');
    await poller.pollOnce();
    expect(store.cluster.job(placed.job.id)!.settled).toBe(true);
    expect(store.cluster.job(newer.id)!.settled).toBe(false);
    expect(store.runs.summary(runId)).toMatchObject({ status: 'running', error: null });
  });

  it('polls at start and then on its timer, never two polls at once; stop waits for the poll under way', async () => {
    const placed = setUp();
    const { slurm, poller } = placed;
    slurm.set('12', 'PENDING');
    await Promise.all([poller.pollOnce(), poller.pollOnce(), poller.pollOnce()]);
    expect(slurm.stateCalls).toBe(1);
    poller.start();
    await expect.poll(() => slurm.stateCalls).toBeGreaterThanOrEqual(3);
    await poller.stop();
    const calls = slurm.stateCalls;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(slurm.stateCalls).toBe(calls);
  });
});
