// SCAFFOLD (replaced by the studies work): the signature the workbench wires.
import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import type { Supervisor } from '../supervisor';

export type StudyCalls = Pick<CallHandlers, Extract<keyof CallHandlers, `studies:${string}`>>;

export interface StudyServiceDeps {
  store: RunStore;
  supervisor: Supervisor;
  events: EventBus;
  maxConcurrentRuns: number;
}

export interface StudyService {
  handlers: StudyCalls;
  /** Stops listening to run events (the host is closing). */
  close(): void;
}

export function createStudyService(_deps: StudyServiceDeps): StudyService {
  const missing = (): never => {
    throw new AppFailure('internal', 'studies are being built');
  };
  return {
    handlers: {
      'studies:list': missing,
      'studies:get': missing,
      'studies:presets': missing,
      'studies:preview': missing,
      'studies:create': missing,
      'studies:start': missing,
      'studies:stop': missing,
      'studies:resume': missing,
      'studies:retry': missing,
      'studies:delete': missing,
      'studies:report': missing,
    },
    close: () => undefined,
  };
}
