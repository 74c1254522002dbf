import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import { RunStore } from '../../../src-main/storage/store';
import { BUILD_DIR, requireBuild, tinyConfig } from '../../helpers/workbench';

/** A real host process (`node out/main/serve.js` or `cli.js train`) with its terminal output. */
export interface HostProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startProcess(script: 'serve.js' | 'cli.js', args: string[]): HostProcess {
  requireBuild();
  const child = spawn(process.execPath, [join(BUILD_DIR, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid!, output: () => output, exited };
}

/** A serve host on a free port; resolves with its base URL once it listens. */
export async function startServe(
  databasePath: string,
  args: string[] = [],
): Promise<HostProcess & { url: string }> {
  const host = startProcess('serve.js', ['--port', '0', '--db', databasePath, ...args]);
  await expect
    .poll(() => /serving at (http:\S+)/.test(host.output()), { timeout: 30_000, interval: 50 })
    .toBe(true);
  const url = /serving at (http:\/\/[^/\s]+)/.exec(host.output())![1]!;
  return { ...host, url };
}

/** A call to a serve host's API; returns the Result's value or throws with its error message. */
export async function call<T = unknown>(url: string, channel: string, input: unknown): Promise<T> {
  const response = await fetch(`${url}/api/call/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(result.error!.message);
  return result.value!;
}

/** A run long enough to still be training when a test signals its host. */
export function longConfig(name = 'long'): RunConfigInput {
  return tinyConfig({ name, training: { epochs: 50, batchSize: 64 } });
}

export function writeConfig(dir: string, config: RunConfigInput): string {
  const file = join(dir, `${config.name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Reads the file as a bystander: another connection, no host registered. */
export function inspect<T>(databasePath: string, read: (store: RunStore) => T): T {
  const store = RunStore.open(databasePath);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

export function runStep(databasePath: string, runId: number): number {
  return inspect(databasePath, (store) => store.runs.summary(runId)?.progress?.step ?? 0);
}

/** Pids whose parent is `pid` (Linux /proc). */
export function childProcesses(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
  } catch {
    return false;
  }
}

/** Resolves with the exit, or fails the test when the process is still there after `timeoutMs`. */
export async function exitWithin(host: HostProcess, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      host.child.kill('SIGKILL');
      reject(new Error(`The host did not exit within ${timeoutMs} ms. Output:\n${host.output()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([host.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
