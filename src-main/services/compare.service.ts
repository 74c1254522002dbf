import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import type { RunStore } from '../storage/store';
import { compareRow } from './compare/compare-rows';
import { runClock } from './compare/run-clock';
import { reducedSeries } from './compare/series-range';
import type { EventBus } from './event-bus';

export type CompareCalls = Pick<
  CallHandlers,
  | 'runs:query'
  | 'runs:update'
  | 'metrics:range'
  | 'compare:rows'
  | 'comparisons:list'
  | 'comparisons:save'
  | 'comparisons:delete'
>;

/** The calls behind the Runs list and the Compare page: list queries, metadata, reduced series. */
export function createCompareHandlers(
  store: RunStore,
  events: EventBus,
  now: () => number = Date.now,
): CompareCalls {
  /** The runs of the ids, in the order asked; one message naming every id that does not exist. */
  const existingRuns = (runIds: readonly number[]): RunSummary[] => {
    const runs = runIds.map((runId) => store.runs.summary(runId));
    const missing = runIds.filter((_, index) => runs[index] === undefined);
    if (missing.length > 0) {
      const list = missing.join(', ');
      const message = missing.length === 1 ? `Run ${list} does not exist` : `Runs ${list} do not exist`;
      throw new AppFailure('not-found', message);
    }
    return runs as RunSummary[];
  };

  return {
    'runs:query': (query) => store.runQueries.query(query),
    'runs:update': ({ runId, ...change }) => {
      if (!store.runQueries.update(runId, change)) {
        throw new AppFailure('not-found', `Run ${runId} does not exist`);
      }
      const summary = store.runs.summary(runId)!;
      events.emit('run:status', summary);
      return summary;
    },
    'metrics:range': ({ runIds, names, fromStep, toStep, points }) => {
      if (fromStep !== undefined && toStep !== undefined && fromStep > toStep) {
        throw new AppFailure('invalid-input', 'fromStep is after toStep', {
          fromStep: `Must be at most toStep (${toStep})`,
        });
      }
      const runs = existingRuns([...new Set(runIds)]);
      const canWrite = !store.readonly;
      const range = {
        ...(fromStep === undefined ? {} : { fromStep }),
        ...(toStep === undefined ? {} : { toStep }),
      };
      return {
        series: runs.flatMap((run) =>
          [...new Set(names)].map((name) =>
            reducedSeries(store.metricBuckets, { runId: run.id, name, points, canWrite, ...range }),
          ),
        ),
        clocks: runs.map((run) =>
          runClock(store.metricBuckets, run.id, store.runs.config(run.id)!, run.progress, points, canWrite),
        ),
      };
    },
    'compare:rows': ({ runIds }) => {
      const nowMs = now();
      return existingRuns(runIds).map((run) => compareRow(store, run, nowMs));
    },
    'comparisons:list': () => store.comparisons.list(),
    'comparisons:save': ({ id, name, state }) => {
      if (id === undefined) return store.comparisons.create(name, state);
      const saved = store.comparisons.update(id, name, state);
      if (!saved) throw new AppFailure('not-found', `Saved comparison ${id} does not exist`);
      return saved;
    },
    'comparisons:delete': ({ id }) => {
      if (!store.comparisons.delete(id)) {
        throw new AppFailure('not-found', `Saved comparison ${id} does not exist`);
      }
      return { id };
    },
  };
}
