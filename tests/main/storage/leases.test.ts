import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import type { HostRecord } from '../../../src-main/storage/leases.repo';
import { migrate, MIGRATIONS } from '../../../src-main/storage/migrations';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';

const config = (name: string) => runConfigSchema.parse({ name });
const host = (token: string, pid: number, claims: HostRecord['claims'] = 'any'): HostRecord => ({
  token,
  pid,
  kind: 'serve',
  claims,
});

describe('leases: one queue and one concurrency limit per database file', () => {
  const tempDir = useTempDir();

  /** Two connections to one file, as two host processes have. */
  function twoHosts() {
    const path = join(tempDir(), 'shared.sqlite');
    const a = RunStore.open(path);
    const b = RunStore.open(path);
    return { a, b, close: () => (a.close(), b.close()) };
  }

  it('never grants more leases than the limit, counting every host, and starts the oldest entry first', () => {
    const { a, b, close } = twoHosts();
    const hostA = host('a', 101);
    const hostB = host('b', 202);
    a.leases.registerHost(hostA);
    b.leases.registerHost(hostB);
    const [first, second, third] = ['first', 'second', 'third'].map((name) => a.runs.create(config(name)).id);
    a.leases.enqueue(first!, 'a', false, {}, 1000);
    b.leases.enqueue(second!, 'b', false, { resumeFromCheckpointId: 7 }, 2000);
    a.leases.enqueue(third!, 'a', false, {}, 3000);

    const claimedByB = b.leases.claimNext(hostB, 1, (entry) => entry.runId);
    expect(claimedByB?.value).toBe(first); // the oldest, although host a queued it
    expect(a.leases.claimNext(hostA, 1, () => 0)).toBeUndefined(); // the limit counts b's lease
    expect(a.leases.claimNext(hostA, 2, (entry) => entry.options)?.value).toEqual({
      resumeFromCheckpointId: 7,
    });
    expect(a.leases.leases().map((lease) => [lease.runId, lease.ownerPid])).toEqual([
      [first, 202],
      [second, 101],
    ]);
    b.leases.release(first!, 'b');
    expect(a.leases.claimNext(hostA, 2, (entry) => entry.runId)?.value).toBe(third);
    expect(a.leases.queue()).toEqual([]);
    close();
  });

  it('leaves an exclusive entry to the host that queued it, and an "own" host takes only its own', () => {
    const { a, close } = twoHosts();
    const app = host('app', 1);
    const cli = host('cli', 2, 'own');
    const cliRun = a.runs.create(config('cli')).id;
    const appRun = a.runs.create(config('app')).id;
    a.leases.enqueue(cliRun, 'cli', true, {}, 1);
    a.leases.enqueue(appRun, 'app', false, {}, 2);
    expect(a.leases.claimNext(app, 5, (entry) => entry.runId)?.value).toBe(appRun);
    expect(a.leases.claimNext(app, 5, () => 0)).toBeUndefined();
    expect(a.leases.claimNext(cli, 5, (entry) => entry.runId)?.value).toBe(cliRun);
    close();
  });

  it('reclaims the leases and exclusive entries of a dead or stale host, and nothing of a live one', () => {
    const { a, b, close } = twoHosts();
    a.leases.registerHost(host('dead', 111), 1000);
    a.leases.registerHost(host('stale', 222), 1000);
    a.leases.registerHost(host('live', 333), 1000);
    a.leases.heartbeat('live', 9000);
    const runs = ['dead', 'stale', 'live', 'queued'].map((name) => a.runs.create(config(name)).id);
    const [deadRun, staleRun, liveRun, queuedRun] = runs as [number, number, number, number];
    a.leases.enqueue(deadRun, 'dead', false, {}, 1);
    a.leases.enqueue(staleRun, 'stale', false, {}, 2);
    a.leases.enqueue(liveRun, 'live', false, {}, 3);
    a.leases.enqueue(queuedRun, 'dead', true, {}, 4);
    a.leases.claimNext(host('dead', 111), 9, () => 0);
    a.leases.claimNext(host('stale', 222), 9, () => 0);
    a.leases.claimNext(host('live', 333), 9, () => 0);
    a.leases.heartbeat('live', 9000);
    let applied = 0;
    const reclaimed = b.leases.reclaimDead(
      'sweeper',
      // 222 lives but has not beaten since 1000: hung, or a reused pid.
      { isAlive: (pid) => pid !== 111, staleBefore: 5000 },
      () => (applied += 1),
    );
    expect(applied).toBe(1);
    expect(reclaimed.hosts.map((row) => row.token).sort()).toEqual(['dead', 'stale']);
    expect(reclaimed.leases.map((lease) => lease.runId).sort()).toEqual([deadRun, staleRun]);
    expect(reclaimed.entries.map((entry) => entry.runId)).toEqual([queuedRun]);
    expect(b.leases.leases().map((lease) => lease.runId)).toEqual([liveRun]);
    expect(b.leases.host('live')).toBeDefined();
    expect(b.leases.host('dead')).toBeUndefined();
    close();
  });

  it('passes a stop request to the owner and refuses to delete a leased run under its worker', () => {
    const { a, b, close } = twoHosts();
    const owner = host('owner', 42);
    const runId = a.runs.create(config('leased')).id;
    a.leases.enqueue(runId, 'owner', false, {});
    a.leases.claimNext(owner, 1, () => a.runs.setStatus(runId, { status: 'running' }));
    expect(b.leases.stopRequestsFor('owner')).toEqual([]);
    expect(b.leases.requestStop(runId)).toBe(true);
    expect(a.leases.stopRequestsFor('owner')).toEqual([runId]);
    expect(a.runs.summary(runId)!.status).toBe('stopping');
    // A run that ended meanwhile keeps its ending.
    a.runs.setStatus(runId, { status: 'completed' });
    b.leases.requestStop(runId);
    expect(a.runs.summary(runId)!.status).toBe('completed');
    expect(b.leases.requestStop(runId + 1)).toBe(false);
    expect(() => b.runs.delete(runId)).toThrow(/FOREIGN KEY/);
    a.leases.release(runId, 'owner');
    expect(b.runs.delete(runId)).toBe(true);
    close();
  });

  it('moves runs queued before version 4 into the shared queue', () => {
    const path = join(tempDir(), 'old.sqlite');
    const old = new BetterSqlite3(path);
    migrate(old, MIGRATIONS.slice(0, 3));
    old
      .prepare(
        `INSERT INTO runs (name, config_json, loss_name, status, created_at) VALUES (?, ?, 'bt', ?, ?)`,
      )
      .run('waiting', JSON.stringify(config('waiting')), 'queued', 1234);
    old.close();
    const store = RunStore.open(path);
    expect(store.leases.queue()).toMatchObject([
      { runId: 1, queuedAt: 1234, hostToken: 'before-version-4', exclusive: false },
    ]);
    store.close();
  });
});
