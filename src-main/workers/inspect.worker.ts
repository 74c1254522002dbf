/**
 * The inspector's compute thread (a worker_thread of the host, issue 12): it opens the database
 * file itself, loads snapshots, derives views with the math of ml/inspect, and answers the
 * main side's requests by id, with progress. The main side queues requests and sends one at a
 * time (services/inspect/compute-client.ts), so the heavy work never blocks its event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppFailure } from '@shared/errors';
import { InspectComputer } from '../services/inspect/compute';
import { RunStore } from '../storage/store';
import type { FromInspectWorker, InspectWorkerData, ToInspectWorker } from './inspect-protocol';

/** Progress messages at most this often: an overview at d = 32768 has thousands of bands. */
const PROGRESS_EVERY_MS = 100;

const port = parentPort;
if (!port) throw new Error('inspect.worker.ts runs as a worker thread');
const data = workerData as InspectWorkerData;
const store = RunStore.open(data.databasePath, {
  access: 'read',
  ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
});
const computer = new InspectComputer(store);
const running = new Map<number, AbortController>();

const send = (message: FromInspectWorker) => port.postMessage(message);

async function compute(message: Extract<ToInspectWorker, { type: 'compute' }>): Promise<void> {
  const { id, key, request } = message;
  const controller = new AbortController();
  running.set(id, controller);
  let lastProgress = 0;
  const onProgress = (done: number, total: number) => {
    const now = performance.now();
    if (done < total && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    send({ type: 'progress', id, done, total });
  };
  try {
    const result = await computer.compute(key, request, onProgress, controller.signal);
    send({ type: 'result', id, result });
  } catch (error) {
    if (error instanceof AppFailure) send({ type: 'error', id, code: error.code, message: error.message });
    else if (controller.signal.aborted) send({ type: 'error', id, code: 'conflict', message: 'Cancelled' });
    else {
      // A bug or an unexpected input: the stack goes to the host's terminal, the message to the caller.
      console.error(`Inspector: ${key} of snapshot ${request.snapshotId} failed:`, error);
      send({
        type: 'error',
        id,
        code: 'internal',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  } finally {
    running.delete(id);
  }
}

port.on('message', (message: ToInspectWorker) => {
  if (message.type === 'compute') void compute(message);
  else running.get(message.id)?.abort();
});
port.on('close', () => store.close());
send({ type: 'ready' });
