import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_DIR } from '../../helpers/workbench';
import { useTempDir } from '../../helpers/temp-dir';
import {
  call,
  childProcesses,
  exitWithin,
  inspect,
  isAlive,
  longConfig,
  runStep,
  startProcess,
  startServe,
  writeConfig,
  type HostProcess,
} from './host-process';

/** What a signalled host must leave behind: a stopped run with a stop checkpoint, no lease, no host row. */
function expectStoppedWithCheckpoint(databasePath: string, runId: number) {
  inspect(databasePath, (store) => {
    expect(store.runs.summary(runId)!.status).toBe('stopped');
    expect(store.checkpoints.list(runId).map((checkpoint) => checkpoint.reason)).toContain('stop');
    expect(store.leases.leases()).toEqual([]);
    expect(store.database.prepare('SELECT count(*) AS n FROM hosts').get()).toEqual({ n: 0 });
  });
}

describe('graceful shutdown of real hosts', () => {
  const tempDir = useTempDir();
  const started: HostProcess[] = [];
  /** Hosts started by a shell, known only by pid. */
  const leftovers: number[] = [];
  afterEach(() => {
    for (const host of started.splice(0)) if (host.child.exitCode === null) host.child.kill('SIGKILL');
    for (const pid of leftovers.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  async function serveWithRun(args: string[] = []) {
    const path = join(tempDir(), 'serve.sqlite');
    const host = await startServe(path, args);
    started.push(host);
    const run = await call<{ id: number }>(host.url, 'runs:create', { config: longConfig(), start: true });
    await expect
      .poll(() => runStep(path, run.id), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(3);
    const [worker] = childProcesses(host.pid);
    expect(worker).toBeDefined();
    return { path, host, runId: run.id, worker: worker! };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to serve mode: the run stops with a checkpoint, the host says so and exits',
    async (signal) => {
      const { path, host, runId, worker } = await serveWithRun();
      host.child.kill(signal);
      expect(await exitWithin(host, 20_000)).toEqual({ code: 0, signal: null });
      expect(host.output()).toMatch(
        new RegExp(
          `Stopping \\(${signal}\\): 1 running worker\\(s\\) asked to save a checkpoint and stop; waiting up to 10 s`,
        ),
      );
      expect(host.output()).toMatch(new RegExp(`Run ${runId} stopped; its last checkpoint is at step \\d+`));
      expect(host.output()).toMatch(/Stopped\.\n/);
      expectStoppedWithCheckpoint(path, runId);
      expect(isAlive(worker)).toBe(false);
    },
  );

  it('kills a worker that does not stop within the stop timeout, and says so', async () => {
    const { path, host, runId, worker } = await serveWithRun(['--stop-timeout', '1']);
    process.kill(worker, 'SIGSTOP'); // a worker stuck in a long step
    host.child.kill('SIGTERM');
    expect((await exitWithin(host, 15_000)).code).toBe(0);
    expect(host.output()).toMatch(
      new RegExp(`Run ${runId}: the worker did not stop within 1 s and was killed`),
    );
    inspect(path, (store) =>
      expect(store.runs.detail(runId)).toMatchObject({ status: 'stopped', exitSignal: 'SIGKILL' }),
    );
    expect(isAlive(worker)).toBe(false);
  });

  it('the same Ctrl-C arriving twice (terminal group plus npm forwarding) is one press, not a kill', async () => {
    const { path, host, runId, worker } = await serveWithRun(['--stop-timeout', '2']);
    process.kill(worker, 'SIGSTOP'); // the worker cannot stop by itself: only a kill ends it
    host.child.kill('SIGINT');
    // Apart enough not to merge into one pending signal, close enough to be the same press.
    await new Promise((resolve) => setTimeout(resolve, 100));
    host.child.kill('SIGINT');
    expect((await exitWithin(host, 20_000)).code).toBe(0);
    expect(host.output()).not.toMatch(/Killing/);
    expect(host.output()).toMatch(
      new RegExp(`Run ${runId}: the worker did not stop within 2 s and was killed`),
    );
    inspect(path, (store) => expect(store.runs.summary(runId)!.status).toBe('stopped'));
  });

  it('a second Ctrl-C kills the workers at once', async () => {
    const { path, host, runId, worker } = await serveWithRun();
    process.kill(worker, 'SIGSTOP');
    host.child.kill('SIGINT');
    await expect.poll(() => host.output(), { timeout: 5_000 }).toMatch(/Press Ctrl-C again to kill them now/);
    await new Promise((resolve) => setTimeout(resolve, 700)); // a second press, not the same one repeated
    const pressed = Date.now();
    host.child.kill('SIGINT');
    expect((await exitWithin(host, 5_000)).code).toBe(0);
    expect(Date.now() - pressed).toBeLessThan(5_000); // well before the 10 s stop timeout
    expect(host.output()).toMatch(/Killing 1 worker\(s\) now\./);
    inspect(path, (store) => expect(store.runs.summary(runId)!.status).toBe('stopped'));
    expect(isAlive(worker)).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to a CLI train: the run stops with a checkpoint and the process exits',
    async (signal) => {
      const dir = tempDir();
      const path = join(dir, 'cli.sqlite');
      const host = startProcess('cli.js', [
        'train',
        '--config',
        writeConfig(dir, longConfig()),
        '--db',
        path,
      ]);
      started.push(host);
      await expect.poll(() => runStep(path, 1), { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(3);
      const [worker] = childProcesses(host.pid);
      host.child.kill(signal);
      expect(await exitWithin(host, 20_000)).toEqual({ code: 130, signal: null });
      expect(host.output()).toMatch(
        new RegExp(`Stopping \\(${signal}\\) after the current step, with a checkpoint: waiting up to 10 s`),
      );
      expect(host.output()).toMatch(/Run 1 stopped/);
      expectStoppedWithCheckpoint(path, 1);
      expect(isAlive(worker!)).toBe(false);
    },
  );

  it('a second Ctrl-C kills the CLI worker at once', async () => {
    const dir = tempDir();
    const path = join(dir, 'cli-kill.sqlite');
    const host = startProcess('cli.js', ['train', '--config', writeConfig(dir, longConfig()), '--db', path]);
    started.push(host);
    await expect.poll(() => runStep(path, 1), { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    const [worker] = childProcesses(host.pid);
    process.kill(worker!, 'SIGSTOP');
    host.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 700));
    host.child.kill('SIGINT');
    expect((await exitWithin(host, 5_000)).code).toBe(130);
    expect(host.output()).toMatch(/Killing the worker now\./);
    inspect(path, (store) => expect(store.runs.summary(1)!.status).toBe('stopped'));
    expect(isAlive(worker!)).toBe(false);
  });
  it('SIGTERM to `npm run serve` (which ends only its `sh -c`) still stops the host gracefully', async () => {
    const path = join(tempDir(), 'npm.sqlite');
    // npm runs scripts through `sh -c` and forwards a SIGTERM to that shell only.
    const shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${join(BUILD_DIR, 'serve.js')}" --port 0 --db "${path}"`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect
      .poll(() => /serving at (http:\/\/[^/\s]+)/.exec(output)?.[1], { timeout: 30_000 })
      .toBeDefined();
    const url = /serving at (http:\/\/[^/\s]+)/.exec(output)![1]!;
    const [host] = childProcesses(shell.pid!);
    leftovers.push(host!);
    const run = await call<{ id: number }>(url, 'runs:create', { config: longConfig(), start: true });
    await expect
      .poll(() => runStep(path, run.id), { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(3);
    shell.kill('SIGTERM');
    await expect.poll(() => isAlive(host!), { timeout: 20_000, interval: 100 }).toBe(false);
    expect(output).toMatch(
      /Stopping \(its parent process ended\): 1 running worker\(s\) asked to save a checkpoint/,
    );
    expectStoppedWithCheckpoint(path, run.id);
  });
});
