/**
 * A host killed between marking a placed run queued and recording its Slurm job (issue 15): the
 * run's `submitting_since` mark stays, and the poller of any host makes it interrupted after a
 * while, unless that host is submitting it itself or a job was recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPoller } from '../../../../src-main/services/cluster/poller';
import { useTempDir } from '../../../helpers/temp-dir';
import { FakeSlurmClient } from './fake-slurm-client';
import { placedRun } from './journal-fixture';

describe('a submission lost with its host', () => {
  const tempDir = useTempDir('decorbench-lost-');
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = (submittingHere = false) => {
    const placed = placedRun(tempDir());
    const notices: string[] = [];
    const poller = new ClusterPoller({
      store: placed.store,
      events: placed.events,
      slurm: new FakeSlurmClient(),
      notify: (line) => notices.push(line),
      isSubmitting: () => submittingHere,
    });
    cleanups.push(() => placed.store.close());
    const status = () => placed.store.runs.summary(placed.runId)!.status;
    const logs = () => placed.store.logs.list(placed.runId).map((line) => line.message);
    return { ...placed, poller, notices, status, logs };
  };

  it('makes a run marked queued over 2 minutes ago, with no job, interrupted', async () => {
    const { store, runId, poller, notices, status, logs, emitted } = setUp();
    store.cluster.setSubmitting(runId, Date.now() - 121_000);
    await poller.pollOnce();
    expect(status()).toBe('interrupted');
    expect(store.cluster.remoteRun(runId)!.submittingSince).toBeNull();
    const text =
      'The host stopped while submitting this run to Slurm, and Slurm has no job for it: Start or Resume submits it again';
    expect(logs()).toEqual([text]);
    expect(notices).toEqual([`Run ${runId} interrupted: ${text}`]);
    expect(emitted.some((event) => event.channel === 'run:status')).toBe(true);
    // Said once.
    await poller.pollOnce();
    expect(logs()).toHaveLength(1);
  });

  it('leaves a recent mark, a recorded job, and a run this host submits alone', async () => {
    const recent = setUp();
    recent.store.cluster.setSubmitting(recent.runId, Date.now() - 30_000);
    await recent.poller.pollOnce();
    expect(recent.status()).toBe('queued');

    const withJob = setUp();
    withJob.store.cluster.setSubmitting(withJob.runId, Date.now() - 300_000);
    withJob.store.cluster.addJob(withJob.runId, { jobId: '77' });
    expect(withJob.store.cluster.remoteRun(withJob.runId)!.submittingSince).toBeNull();
    withJob.store.cluster.setSubmitting(withJob.runId, Date.now() - 300_000);
    await withJob.poller.pollOnce();
    expect(withJob.status()).toBe('queued');

    const here = setUp(true);
    here.store.cluster.setSubmitting(here.runId, Date.now() - 300_000);
    await here.poller.pollOnce();
    expect(here.status()).toBe('queued');
  });
});
