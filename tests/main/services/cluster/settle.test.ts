import { mkdirSync, renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPoller } from '../../../../src-main/services/cluster/poller';
import { settleJob } from '../../../../src-main/services/cluster/settle';
import { useTempDir } from '../../../helpers/temp-dir';
import { FakeSlurm } from './fake-slurm-states';
import { lossPoints, lossSeries, placedRun, type PlacedRun } from './journal-fixture';

describe('settling a placed run’s ended job', () => {
  const tempDir = useTempDir('decorbench-settle-');
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = () => {
    const placed = placedRun(tempDir());
    const slurm = new FakeSlurm();
    const notices: string[] = [];
    const poller = new ClusterPoller({
      store: placed.store,
      events: placed.events,
      slurm,
      notify: (line) => notices.push(line),
    });
    cleanups.push(
      () => placed.store.close(),
      () => poller.stop(),
    );
    const job = placed.store.cluster.addJob(placed.runId, { jobId: '12' });
    placed.store.runs.setStatus(placed.runId, { status: 'running' });
    return { ...placed, slurm, poller, notices, job };
  };
  const logs = (placed: PlacedRun) => placed.store.logs.list(placed.runId).map((line) => line.message);

  /** The shared folder goes away from this computer: an empty mount point is left (or no folder). */
  const unmount = (placed: PlacedRun, leaveEmptyFolder: boolean): (() => void) => {
    const away = `${placed.runDir}.away`;
    renameSync(placed.runDir, away);
    if (leaveEmptyFolder) mkdirSync(placed.runDir);
    return () => {
      if (leaveEmptyFolder) renameSync(placed.runDir, `${placed.runDir}.empty`);
      renameSync(away, placed.runDir);
    };
  };

  for (const leaveEmptyFolder of [true, false]) {
    it(`waits for a run folder it cannot read (${leaveEmptyFolder ? 'an empty mount point' : 'no folder'}) instead of failing the run, said once, then applies the journal's done`, async () => {
      const placed = setUp();
      const { slurm, poller, store, runId, journal } = placed;
      journal.segment('12', 0, null).metrics(lossPoints(1, 4)).done('completed', { loss: 4 });
      const remount = unmount(placed, leaveEmptyFolder);
      slurm.set('12', 'COMPLETED', { exitCode: '0:0' });
      for (let poll = 0; poll < 4; poll++) await poller.pollOnce();
      expect(store.runs.summary(runId)).toMatchObject({ status: 'running', error: null });
      expect(store.cluster.job(placed.job.id)!.settled).toBe(false);
      const said = logs(placed).filter((line) => /run folder/.test(line));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        leaveEmptyFolder
          ? /has no job\.json: is its shared folder mounted here/
          : /cannot be seen from this computer/,
      );

      remount();
      await poller.pollOnce();
      expect(store.runs.summary(runId)).toMatchObject({
        status: 'completed',
        error: null,
        results: { loss: 4 },
      });
      expect(lossSeries(store, runId)).toHaveLength(4);
      expect(store.cluster.job(placed.job.id)!.settled).toBe(true);
    });
  }

  it('settleJob itself leaves the run as it is while its folder cannot be read, with one log line', () => {
    const placed = setUp();
    const { store, runId } = placed;
    store.cluster.observeJob(placed.job.id, { state: 'NODE_FAIL', polledAt: 1 });
    const job = store.cluster.job(placed.job.id)!;
    const remount = unmount(placed, true);
    for (let i = 0; i < 3; i++)
      expect(settleJob(placed, job, store.cluster.remoteRun(runId))).toBeUndefined();
    expect(store.runs.summary(runId)!.status).toBe('running');
    expect(store.cluster.job(job.id)!.settled).toBe(false);
    expect(logs(placed)).toEqual([
      expect.stringMatching(
        /^Slurm job 12 has ended; its run is settled once its run folder can be read here again \(.*has no job\.json/,
      ),
    ]);
    remount();
    expect(settleJob(placed, job, store.cluster.remoteRun(runId))).toMatchObject({ status: 'failed' });
    expect(store.cluster.job(job.id)!.settled).toBe(true);
  });

  it('does not settle while the journal has complete lines not applied yet', () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).done('completed');
    store.cluster.observeJob(placed.job.id, { state: 'COMPLETED', polledAt: 1 });
    const job = store.cluster.job(placed.job.id)!;
    expect(settleJob(placed, job, store.cluster.remoteRun(runId))).toBeUndefined();
    expect(store.runs.summary(runId)!.status).toBe('running');
    expect(logs(placed)).toEqual([]);
  });
});
