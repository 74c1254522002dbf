/**
 * One cost study in a worker process: spawns it, stores each point the moment it arrives (and
 * tells the renderers: `cost:point`, then `cost:status` with the progress), and ends the study by
 * how the worker ended: `completed` or `stopped` as it reports, `failed` with the reason when it
 * fails or dies.
 */
import { costPlan } from '@shared/cost/plan';
import type { CostStudySettings } from '@shared/cost/types';
import type { RunStore } from '../../storage/store';
import { isWorkerMessage, type WorkerMessage } from '../../workers/protocol';
import type { SpawnWorker, WorkerExit, WorkerHandle } from '../../workers/spawner';
import type { EventBus } from '../event-bus';

export interface CostWorkerDeps {
  store: RunStore;
  events: EventBus;
  spawn: SpawnWorker;
  appVersion: string;
  /** How long a stopped worker may take to finish its point before it is killed. */
  stopTimeoutMs: number;
}

/** The running job of one study. */
export interface CostJob {
  readonly costStudyId: number;
  /** Resolves when the worker has exited and the study's end is stored. */
  readonly ended: Promise<void>;
  /** Ends the study `stopped` after the point being measured (the worker is killed if it takes longer). */
  stop(): void;
}

/** Starts the worker of a queued study; the study fails at once when no worker can start. */
export function startCostJob(
  deps: CostWorkerDeps,
  costStudyId: number,
  settings: CostStudySettings,
): CostJob {
  const { store, events } = deps;
  const total = costPlan(settings).length;
  const emitStatus = () => {
    const summary = store.cost.summary(costStudyId);
    if (summary) events.emit('cost:status', summary);
  };
  let finished = false;
  let stopRequested = false;
  let failure: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let done = 0;
  const end = (status: 'completed' | 'stopped' | 'failed', error: string | null) => {
    if (finished) return;
    finished = true;
    store.cost.finish(costStudyId, status, error);
    emitStatus();
  };
  let worker: WorkerHandle;
  try {
    worker = deps.spawn({ name: `cost-${costStudyId}` });
  } catch (error) {
    end('failed', `Could not start a worker process: ${String(error)}`);
    return { costStudyId, ended: Promise.resolve(), stop: () => undefined };
  }
  store.cost.markRunning(costStudyId, process.pid, { done: 0, total, current: null });
  emitStatus();
  const onMessage = (message: WorkerMessage) => {
    if (message.type === 'cost-started') {
      store.cost.setEnvironment(costStudyId, message.environment);
    } else if (message.type === 'cost-measuring') {
      store.cost.setProgress(costStudyId, { done, total, current: message.label });
    } else if (message.type === 'cost-point') {
      store.cost.addPoint(costStudyId, message.index, message.point);
      done = message.index + 1;
      store.cost.setProgress(costStudyId, { done, total, current: null });
      events.emit('cost:point', { costStudyId, point: message.point });
    } else if (message.type === 'done') {
      end(message.outcome, null);
      return;
    } else if (message.type === 'failed') {
      failure = message.message;
      return;
    } else return;
    emitStatus();
  };
  const ended = new Promise<void>((resolve) => {
    worker.onExit((exit: WorkerExit) => {
      clearTimeout(killTimer);
      if (stopRequested) end('stopped', null);
      else {
        const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
        end('failed', failure ?? `The worker process crashed (${how})`);
      }
      resolve();
    });
  });
  worker.onMessage((message) => {
    if (!isWorkerMessage(message) || finished) return;
    try {
      onMessage(message);
    } catch (error) {
      // A store write that fails (a full disk) ends this study with the reason.
      failure = `Could not store the cost study's ${message.type}: ${(error as Error).message}`;
      worker.kill();
    }
  });
  worker.send({ type: 'cost-start', costStudyId, settings, appVersion: deps.appVersion });
  return {
    costStudyId,
    ended,
    stop: () => {
      if (finished || stopRequested) return;
      stopRequested = true;
      worker.send({ type: 'stop' });
      killTimer = setTimeout(() => worker.kill(), deps.stopTimeoutMs);
    },
  };
}
