import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { hasStatus, tinyConfig, waitForRun } from '../../helpers/workbench';
import { useWorkbenches } from '../../helpers/workbenches';
import {
  call,
  exitWithin,
  inspect,
  isAlive,
  longConfig,
  runStep,
  startProcess,
  startServe,
  writeConfig,
  type HostProcess,
} from '../host/host-process';

describe('one queue and one concurrency limit per database, across host processes', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();
  const started: HostProcess[] = [];
  afterEach(() => {
    for (const host of started.splice(0)) if (host.child.exitCode === null) host.child.kill('SIGKILL');
  });

  it('two serve hosts with a limit of one never run two runs at once, and both queues drain', async () => {
    const path = join(tempDir(), 'shared.sqlite');
    const [a, b] = await Promise.all([startServe(path), startServe(path)]);
    started.push(a!, b!);
    const ids: number[] = [];
    for (const [host, name] of [
      [a!, 'a1'],
      [b!, 'b1'],
      [a!, 'a2'],
      [b!, 'b2'],
    ] as const) {
      const run = await call<{ id: number }>(host.url, 'runs:create', {
        config: tinyConfig({ name }),
        start: true,
      });
      ids.push(run.id);
    }
    let mostAtOnce = 0;
    const owners = new Set<number>();
    await expect
      .poll(
        () =>
          inspect(path, (store) => {
            const leases = store.leases.leases();
            for (const lease of leases) owners.add(lease.ownerPid);
            const running = store.runs.list({ statuses: ['running', 'stopping'] }).length;
            mostAtOnce = Math.max(mostAtOnce, leases.length, running);
            return ids.every((id) => store.runs.summary(id)!.status === 'completed');
          }),
        { timeout: 120_000, interval: 40 },
      )
      .toBe(true);
    expect(mostAtOnce).toBe(1);
    // The runs are one shared queue: whichever host had the free slot took the next one.
    expect([...owners].every((pid) => pid === a!.pid || pid === b!.pid)).toBe(true);
    const spans = inspect(path, (store) => ids.map((id) => store.runs.summary(id)!));
    const ordered = spans.sort((x, y) => x.startedAt! - y.startedAt!);
    for (let i = 1; i < ordered.length; i += 1)
      expect(ordered[i]!.startedAt!).toBeGreaterThanOrEqual(ordered[i - 1]!.endedAt!);
  }, 150_000);

  it('a queued run stays queued when its host stops, and the next host starts it', async () => {
    const path = join(tempDir(), 'restart.sqlite');
    const first = await startServe(path);
    started.push(first);
    const long = await call<{ id: number }>(first.url, 'runs:create', { config: longConfig(), start: true });
    const waiting = await call<{ id: number; status: string }>(first.url, 'runs:create', {
      config: tinyConfig({ name: 'waiting' }),
      start: true,
    });
    expect(waiting.status).toBe('queued');
    await expect
      .poll(() => runStep(path, long.id), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    first.child.kill('SIGTERM');
    expect((await exitWithin(first, 20_000)).code).toBe(0);
    inspect(path, (store) => {
      expect(store.runs.summary(long.id)!.status).toBe('stopped');
      expect(store.runs.summary(waiting.id)!.status).toBe('queued');
      expect(store.leases.queue().map((entry) => entry.runId)).toEqual([waiting.id]);
    });
    const next = workbenchAt(path);
    expect(next.interruptedAtStart).toEqual([]);
    expect((await waitForRun(next, waiting.id, hasStatus('completed', 'failed'))).status).toBe('completed');
  }, 90_000);

  it('stopping or deleting a run another host trains respects its owner', async () => {
    const path = join(tempDir(), 'owner.sqlite');
    const owner = await startServe(path);
    started.push(owner);
    const run = await call<{ id: number }>(owner.url, 'runs:create', { config: longConfig(), start: true });
    await expect
      .poll(() => runStep(path, run.id), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    const other = workbenchAt(path);
    expect(() => other.handlers['runs:delete']({ runId: run.id })).toThrow(
      new RegExp(
        `Run ${run.id} cannot be deleted: the serve host \\(process ${owner.pid}\\) trains it now; stop it first`,
      ),
    );
    expect((await other.handlers['runs:stop']({ runId: run.id })).status).toBe('stopping');
    // The owner takes the request on its next beat and stops the run with a checkpoint.
    await expect
      .poll(() => inspect(path, (store) => store.runs.summary(run.id)!.status), {
        timeout: 20_000,
        interval: 100,
      })
      .toBe('stopped');
    inspect(path, (store) => expect(store.checkpoints.list(run.id).map((c) => c.reason)).toContain('stop'));
    expect(() => other.handlers['runs:stop']({ runId: run.id })).toThrow(
      `Run ${run.id} is stopped; only a queued or running run can be stopped`,
    );
    await expect.poll(() => inspect(path, (store) => store.leases.lease(run.id))).toBeUndefined();
    other.handlers['runs:delete']({ runId: run.id });
    await call(owner.url, 'runs:list', {}); // the owner is still up
    expect(isAlive(owner.pid)).toBe(true);
  }, 90_000);

  it("an open host's heartbeat takes back a run whose host crashed, and says so", async () => {
    const dir = tempDir();
    const path = join(dir, 'orphan.sqlite');
    const watcher = workbenchAt(path, { heartbeatMs: 200 });
    const cli = startProcess('cli.js', ['train', '--config', writeConfig(dir, longConfig()), '--db', path]);
    started.push(cli);
    await expect.poll(() => runStep(path, 1), { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    cli.child.kill('SIGKILL');
    const interrupted = await waitForRun(watcher, 1, hasStatus('interrupted'), 10_000);
    expect(interrupted.error).toMatch(
      new RegExp(
        `the CLI \\(process ${cli.pid}\\) that trained this run ended while it was in progress; the serve host \\(process ${process.pid}\\) kept running and took the run back`,
      ),
    );
    expect(watcher.store.leases.leases()).toEqual([]);
    // The slot is free again: the watcher can start the run itself.
    watcher.handlers['runs:start']({ runId: 1 });
    expect((await waitForRun(watcher, 1, hasStatus('running', 'failed'))).status).toBe('running');
    watcher.handlers['runs:stop']({ runId: 1 });
    await waitForRun(watcher, 1, hasStatus('stopped'));
  }, 90_000);
  it('a CLI train waits for the slot a serve host holds, then trains its run itself', async () => {
    const dir = tempDir();
    const path = join(dir, 'cli-waits.sqlite');
    const serve = await startServe(path);
    started.push(serve);
    const long = await call<{ id: number }>(serve.url, 'runs:create', { config: longConfig(), start: true });
    await expect
      .poll(() => runStep(path, long.id), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    const cli = startProcess('cli.js', [
      'train',
      '--config',
      writeConfig(dir, tinyConfig({ name: 'cli' })),
      '--db',
      path,
    ]);
    started.push(cli);
    await expect
      .poll(() => cli.output(), { timeout: 20_000 })
      .toMatch(/Waiting: 1 worker\(s\) already run on this database \(limit 1\); run 2 starts when one ends/);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a few beats: still waiting
    inspect(path, (store) => expect(store.runs.summary(2)!.status).toBe('queued'));
    await call(serve.url, 'runs:stop', { runId: long.id });
    // The serve host leaves the CLI's entry alone: the CLI process starts it.
    await expect
      .poll(() => inspect(path, (store) => store.leases.lease(2)?.ownerPid), {
        timeout: 20_000,
        interval: 50,
      })
      .toBe(cli.pid);
    expect((await exitWithin(cli, 60_000)).code).toBe(0);
    inspect(path, (store) => expect(store.runs.summary(2)!.status).toBe('completed'));
  }, 120_000);
});
