// SCAFFOLD (replaced by the cost-study work): the signature the workbench wires.
import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';
import type { SpawnWorker } from '../../workers/spawner';
import type { EventBus } from '../event-bus';

export type CostCalls = Pick<CallHandlers, Extract<keyof CallHandlers, `cost:${string}`>>;

export interface CostServiceDeps {
  store: RunStore;
  events: EventBus;
  spawn: SpawnWorker;
  appVersion: string;
}

export interface CostService {
  handlers: CostCalls;
  /** Stops a running cost-study worker (its study ends `stopped`, points kept). */
  close(): Promise<void>;
}

export function createCostService(_deps: CostServiceDeps): CostService {
  const missing = (): never => {
    throw new AppFailure('internal', 'cost studies are being built');
  };
  return {
    handlers: {
      'cost:list': missing,
      'cost:get': missing,
      'cost:start': missing,
      'cost:stop': missing,
      'cost:delete': missing,
    },
    close: async () => undefined,
  };
}
