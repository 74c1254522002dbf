import { fork } from 'node:child_process';
import type { SpawnWorker, WorkerHandle } from './spawner';

/** Headless hosts (serve mode, CLI, tests): each worker is a `child_process.fork` of the built entry. */
export function createChildProcessSpawner(entry: string, options: { execArgv?: string[] } = {}): SpawnWorker {
  return ({ name }): WorkerHandle => {
    const child = fork(entry, [`--run=${name}`], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone, so checkpoints travel as bytes rather than JSON arrays of numbers.
      serialization: 'advanced',
      execArgv: options.execArgv ?? [],
      env: { ...process.env, DECORBENCH_WORKER: '1' },
    });
    // Output the worker prints outside the protocol still reaches the terminal.
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code, signal) => listener({ code, signal })),
      kill: () => child.kill('SIGKILL'),
    };
  };
}
