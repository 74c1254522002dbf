import type { CallHandlers, SystemInfo } from '@shared/api/contract';
import { RunStore } from '../storage/store';
import type { SpawnWorker } from '../workers/spawner';
import { createDispatcher, type Dispatch } from './dispatch';
import { EventBus } from './event-bus';
import { createEvaluationHandlers } from './evaluations.service';
import { createRunHandlers } from './runs.service';
import { Supervisor } from './supervisor';
import { systemInfo } from './system.service';

export interface WorkbenchOptions {
  databasePath: string;
  spawn: SpawnWorker;
  resourcesDir: string;
  host: SystemInfo['host'];
  appVersion?: string;
  maxConcurrentRuns?: number;
  stopTimeoutMs?: number;
  /** better-sqlite3 addon for a non-Node ABI (Electron). */
  sqliteBinding?: string;
}

/** Everything a host (Electron, serve mode, CLI) needs, with no transport in it. */
export interface Workbench {
  store: RunStore;
  events: EventBus;
  supervisor: Supervisor;
  handlers: CallHandlers;
  dispatch: Dispatch;
  /** Runs the previous process left running, now marked `interrupted`. */
  interruptedAtStart: number[];
  close(): Promise<void>;
}

/** Signal 0 checks that a process exists without touching it (EPERM: it exists, owned by someone else). */
function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The composition root of the services: opens the store, repairs it, and wires the handlers. */
export function createWorkbench(options: WorkbenchOptions): Workbench {
  const store = RunStore.open(options.databasePath, { nativeBinding: options.sqliteBinding });
  const { interrupted } = store.runs.recoverAfterRestart(isProcessAlive);
  store.evaluations.failUnfinished();
  const events = new EventBus();
  const supervisor = new Supervisor({
    store,
    events,
    spawn: options.spawn,
    resourcesDir: options.resourcesDir,
    maxConcurrentRuns: options.maxConcurrentRuns,
    stopTimeoutMs: options.stopTimeoutMs,
  });
  const handlers: CallHandlers = {
    ...createRunHandlers(store, supervisor, events),
    ...createEvaluationHandlers(store, supervisor, events),
    'system:info': () =>
      systemInfo({
        host: options.host,
        appVersion: options.appVersion ?? '0.0.0',
        databasePath: options.databasePath,
        maxConcurrentRuns: supervisor.concurrency,
      }),
  };
  return {
    store,
    events,
    supervisor,
    handlers,
    dispatch: createDispatcher(handlers),
    interruptedAtStart: interrupted,
    close: async () => {
      await supervisor.shutdown();
      store.close();
    },
  };
}
