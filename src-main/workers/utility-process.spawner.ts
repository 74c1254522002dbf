import type { SpawnWorker, WorkerHandle } from './spawner';

/**
 * The part of Electron's `utilityProcess` module this spawner uses, typed structurally so this
 * file never imports `electron` (only the Electron entry does, and passes the module in).
 */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' },
  ): UtilityProcessChild;
}

interface UtilityProcessChild {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

/** Electron host: each worker is a utilityProcess (a Node process managed by Electron). */
export function createUtilityProcessSpawner(
  utilityProcess: UtilityProcessModule,
  entry: string,
): SpawnWorker {
  return ({ name }): WorkerHandle => {
    const child = utilityProcess.fork(entry, [`--run=${name}`], {
      serviceName: `Decorbench ${name}`,
      stdio: 'inherit',
    });
    let killed = false;
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess reports only an exit code; a kill we asked for is reported as SIGKILL.
      onExit: (listener) => child.on('exit', (code) => listener({ code, signal: killed ? 'SIGKILL' : null })),
      kill: () => {
        killed = true;
        // utilityProcess.kill() sends SIGTERM, which a worker takes as a stop request (it finishes
        // its step first): a kill must be SIGKILL.
        if (child.pid !== undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
            return;
          } catch {
            // Already gone, or not ours to signal: fall back to Electron's own kill.
          }
        }
        child.kill();
      },
    };
  };
}
