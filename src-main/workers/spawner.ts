import type { SupervisorMessage, WorkerMessage } from './protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

/** One running worker process, whatever started it (child_process or Electron utilityProcess). */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(message: SupervisorMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Forceful termination (SIGKILL where the platform has it). */
  kill(): void;
}

/** Starts a training worker process. Hosts differ only in this function. */
export type SpawnWorker = (options: { name: string }) => WorkerHandle;

export type { SupervisorMessage, WorkerMessage };
