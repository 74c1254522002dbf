import type { CallHandlers } from '@shared/api/contract';
import { runConfigSchema, type RunConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { fieldMessages } from '@shared/validation';
import type { RunStore } from '../storage/store';
import type { EventBus } from './event-bus';
import type { Supervisor } from './supervisor';

type RunCalls = Pick<
  CallHandlers,
  | 'runs:list'
  | 'runs:get'
  | 'runs:create'
  | 'runs:start'
  | 'runs:stop'
  | 'runs:delete'
  | 'runs:logs'
  | 'metrics:names'
  | 'metrics:series'
>;

/** Validates a user's run configuration, with one message per offending field. */
export function parseRunConfig(input: unknown): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldMessages(parsed.error);
    const summary = Object.entries(fields)
      .map(([field, message]) => `${field}: ${message}`)
      .join('; ');
    throw new AppFailure('invalid-input', `The run configuration is not valid (${summary})`, fields);
  }
  return parsed.data;
}

/** The run calls of the contract, over the store and the supervisor. */
export function createRunHandlers(store: RunStore, supervisor: Supervisor, events: EventBus): RunCalls {
  const existingRun = (runId: number): RunSummary => {
    const run = store.runs.summary(runId);
    if (!run) throw new AppFailure('not-found', `Run ${runId} does not exist`);
    return run;
  };

  return {
    'runs:list': ({ status, limit }) => store.runs.list({ statuses: status, limit }),
    'runs:get': ({ runId }) => {
      const detail = store.runs.detail(runId);
      if (!detail) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      return { ...detail, checkpoints: store.checkpoints.list(runId) };
    },
    'runs:create': ({ config, start }) => {
      const run = store.runs.create(parseRunConfig(config));
      events.emit('run:status', run);
      if (start) supervisor.enqueue(run.id);
      return existingRun(run.id);
    },
    'runs:start': ({ runId }) => {
      const run = existingRun(runId);
      if (run.status !== 'created') {
        throw new AppFailure(
          'conflict',
          `Run ${runId} is ${run.status}; only a run that has not started yet can be started`,
        );
      }
      supervisor.enqueue(runId);
      return existingRun(runId);
    },
    'runs:stop': ({ runId }) => {
      const run = existingRun(runId);
      if (!supervisor.isQueued(runId) && !supervisor.isRunning(runId)) {
        throw new AppFailure('conflict', `Run ${runId} is ${run.status}, not queued or running`);
      }
      supervisor.stop(runId);
      return existingRun(runId);
    },
    'runs:delete': ({ runId }) => {
      const run = existingRun(runId);
      if (supervisor.isRunning(runId)) {
        throw new AppFailure('conflict', `Run ${runId} is ${run.status}; stop it before deleting it`);
      }
      if (supervisor.isQueued(runId)) supervisor.stop(runId);
      store.runs.delete(runId);
      return { runId };
    },
    'runs:logs': ({ runId, afterId, limit }) => {
      existingRun(runId);
      return store.logs.list(runId, afterId, limit);
    },
    'metrics:names': ({ runId }) => {
      existingRun(runId);
      return store.metrics.names(runId);
    },
    'metrics:series': ({ runId, names, afterStep }) => {
      existingRun(runId);
      return names.map((name) => store.metrics.series(runId, name, afterStep));
    },
  };
}
