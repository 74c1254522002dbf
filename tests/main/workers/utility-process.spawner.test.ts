import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createUtilityProcessSpawner,
  type UtilityProcessModule,
} from '../../../src-main/workers/utility-process.spawner';
import { useTempDir } from '../../helpers/temp-dir';
import { isAlive } from '../host/host-process';

/**
 * Electron's utilityProcess, played by a real Node child with the same surface: its kill() sends
 * SIGTERM, as Electron's does on POSIX.
 */
const nodeUtilityProcess: UtilityProcessModule = {
  fork: (modulePath, args) => {
    const child = fork(modulePath, args ?? [], { stdio: 'ignore' });
    return {
      pid: child.pid,
      postMessage: (message) => child.send(message as never),
      on: (event: 'message' | 'exit', listener: (value: never) => void) => {
        if (event === 'exit') child.on('exit', (code) => listener(code as never));
        else child.on('message', (message) => listener(message as never));
      },
      kill: () => child.kill('SIGTERM'),
    };
  },
};

describe('utilityProcess workers (Electron)', () => {
  const tempDir = useTempDir();

  it('a kill ends a worker that takes SIGTERM as a stop request', async () => {
    const entry = join(tempDir(), 'stubborn-worker.cjs');
    // Like train.worker.ts: SIGTERM only asks it to stop after its (here endless) step.
    writeFileSync(
      entry,
      "process.on('SIGTERM', () => {}); process.send('ready'); setInterval(() => {}, 1000);",
    );
    const worker = createUtilityProcessSpawner(nodeUtilityProcess, entry)({ name: 'run-1' });
    await new Promise<void>((resolve) => worker.onMessage(() => resolve()));
    const exited = new Promise((resolve) => worker.onExit(resolve));
    try {
      worker.kill();
      await expect.poll(() => isAlive(worker.pid!), { timeout: 5_000 }).toBe(false);
      expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      if (isAlive(worker.pid!)) process.kill(worker.pid!, 'SIGKILL');
    }
  });
});
