/**
 * Cost studies (issue 14, item 3): the `cost:*` calls. One cost job runs at a time per host, in
 * a worker of its own: a second study started meanwhile waits `queued` and starts when the one
 * before it ends (two jobs timing at once would slow each other and measure nothing useful).
 */
import type { CallHandlers } from '@shared/api/contract';
import { costPlan } from '@shared/cost/plan';
import type { CostStudySettings, CostStudySummary } from '@shared/cost/types';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';
import type { SpawnWorker } from '../../workers/spawner';
import type { EventBus } from '../event-bus';
import { isProcessAlive } from '../supervisor';
import { costStudyDetail } from './cost-detail';
import { startCostJob, type CostJob } from './cost-worker';

export type CostCalls = Pick<CallHandlers, Extract<keyof CallHandlers, `cost:${string}`>>;

export interface CostServiceDeps {
  store: RunStore;
  events: EventBus;
  spawn: SpawnWorker;
  appVersion: string;
  /** How long a stopped job may take to finish its point before its worker is killed (default 3 s). */
  stopTimeoutMs?: number;
}

export interface CostService {
  handlers: CostCalls;
  /** Stops a running cost-study worker (its study ends `stopped`, points kept). */
  close(): Promise<void>;
}

export function createCostService(deps: CostServiceDeps): CostService {
  const { store, events } = deps;
  const workerDeps = { ...deps, stopTimeoutMs: deps.stopTimeoutMs ?? 3000 };
  /** Studies this host queued, oldest first, and the one it runs. */
  const queue: number[] = [];
  let active: CostJob | undefined;
  let closed = false;
  const emitStatus = (id: number) => {
    const summary = store.cost.summary(id);
    if (summary) events.emit('cost:status', summary);
  };

  // A study left queued or running by a host that has exited will never end: it failed.
  for (const study of store.cost.unfinished()) {
    if (study.hostPid !== undefined && isProcessAlive(study.hostPid)) continue;
    store.cost.finish(study.id, 'failed', 'Interrupted: the Decorbench process that ran it exited');
  }

  const pump = () => {
    if (active || closed) return;
    const next = queue.shift();
    if (next === undefined) return;
    const summary = store.cost.summary(next);
    if (!summary) return pump();
    const job = startCostJob(workerDeps, next, summary.settings);
    active = job;
    void job.ended.then(() => {
      if (active === job) active = undefined;
      pump();
    });
  };

  const existing = (costStudyId: number): CostStudySummary => {
    const summary = store.cost.summary(costStudyId);
    if (!summary) throw new AppFailure('not-found', `Cost study ${costStudyId} does not exist`);
    return summary;
  };

  /** Ends a study this host queued or runs; resolves once it has ended. */
  const stopStudy = async (costStudyId: number): Promise<void> => {
    const queued = queue.indexOf(costStudyId);
    if (queued >= 0) {
      queue.splice(queued, 1);
      store.cost.finish(costStudyId, 'stopped', null);
      emitStatus(costStudyId);
    } else if (active?.costStudyId === costStudyId) {
      const job = active;
      job.stop();
      await job.ended;
    }
  };

  const start = (settings: CostStudySettings): CostStudySummary => {
    if (closed) throw new AppFailure('unavailable', 'Decorbench is closing');
    const total = costPlan(settings).length;
    const summary = store.cost.create({
      name: settings.name,
      status: 'queued',
      source: 'study',
      settings,
      progress: { done: 0, total, current: null },
      hostPid: process.pid,
    });
    events.emit('cost:status', summary);
    queue.push(summary.id);
    pump();
    return store.cost.summary(summary.id)!;
  };

  return {
    handlers: {
      'cost:list': () => store.cost.list(),
      'cost:get': ({ costStudyId }) => costStudyDetail(store, existing(costStudyId)),
      'cost:start': ({ settings }) => start(settings),
      'cost:stop': async ({ costStudyId }) => {
        const summary = existing(costStudyId);
        if (summary.status !== 'queued' && summary.status !== 'running') return summary;
        if (!queue.includes(costStudyId) && active?.costStudyId !== costStudyId)
          throw new AppFailure(
            'conflict',
            `Cost study ${costStudyId} runs in another Decorbench process; stop it there`,
          );
        await stopStudy(costStudyId);
        return existing(costStudyId);
      },
      'cost:delete': async ({ costStudyId }) => {
        const summary = existing(costStudyId);
        const ours = queue.includes(costStudyId) || active?.costStudyId === costStudyId;
        if ((summary.status === 'queued' || summary.status === 'running') && !ours)
          throw new AppFailure(
            'conflict',
            `Cost study ${costStudyId} runs in another Decorbench process; stop it there first`,
          );
        await stopStudy(costStudyId);
        store.cost.delete(costStudyId);
        return { costStudyId };
      },
    },
    close: async () => {
      closed = true;
      for (const id of queue.splice(0)) {
        store.cost.finish(id, 'stopped', null);
        emitStatus(id);
      }
      if (active) {
        active.stop();
        await active.ended;
      }
    },
  };
}
