import type { SupervisorMessage, WorkerMessage } from './protocol';

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** The worker's side of the channel: Electron's `process.parentPort`, or Node's IPC channel. */
export interface ParentPort {
  send(message: WorkerMessage): Promise<void>;
  onMessage(listener: (message: SupervisorMessage) => void): void;
}

export function connectToParent(): ParentPort {
  const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: async (message) => electronPort.postMessage(message),
      onMessage: (listener) =>
        electronPort.on('message', (event) => listener(event.data as SupervisorMessage)),
    };
  }
  if (!process.send) throw new Error('The training worker must be started by Decorbench (no parent channel)');
  // An orphaned worker has no one to report to: a host killed with -9 must not leave it training.
  process.once('disconnect', () => process.exit(3));
  return {
    send: (message) =>
      new Promise<void>((resolve) => {
        if (!process.connected) return resolve();
        process.send!(message, undefined, {}, () => resolve());
      }),
    onMessage: (listener) => process.on('message', (message) => listener(message as SupervisorMessage)),
  };
}
