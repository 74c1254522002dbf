/**
 * The CLI's way into the comparison calls: the API's own dispatcher over the same handlers
 * (services/compare.service.ts), on a store the command opens, so the CLI accepts and refuses
 * exactly what the app and serve mode do, with the same messages.
 */
import type { CallHandlers, CallInput, CallOutputs } from '@shared/api/contract';
import type { CompareRow } from '@shared/compare';
import { AppFailure } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { resolveDatabasePath } from '../../paths';
import { createCompareHandlers, type CompareCalls } from '../../services/compare.service';
import { createDispatcher } from '../../services/dispatch';
import { EventBus } from '../../services/event-bus';
import { RunStore } from '../../storage/store';
import { UsageError } from '../command';

type CompareChannel = keyof CompareCalls;

async function call<C extends CompareChannel>(
  store: RunStore,
  channel: C,
  input: CallInput<C>,
): Promise<CallOutputs[C]> {
  // Only the comparison channels are dispatched here, so the other handlers are never looked up.
  // No host listens to this process's events: other hosts see the change on their next query.
  const dispatch = createDispatcher(createCompareHandlers(store, new EventBus()) as CallHandlers);
  const result = await dispatch(channel, input);
  if (result.ok) return result.value as CallOutputs[C];
  // Bad input from the command line is a usage error (exit 2, with the usage); the rest exit 1.
  if (result.error.code === 'invalid-input') throw new UsageError(result.error.message);
  throw new AppFailure(result.error.code, result.error.message, result.error.fields);
}

/** The summary rows of runs, in the order asked (`compare:rows`); fails naming missing runs. */
export function compareRows(store: RunStore, runIds: number[]): Promise<CompareRow[]> {
  return call(store, 'compare:rows', { runIds });
}

/**
 * Changes a run's name, tags or notes (`runs:update`). `change` sees the run as it is, so `runs
 * tag` can add to its tags.
 */
export async function updateRun(
  db: string | undefined,
  runId: number,
  change: (current: RunSummary) => Omit<CallInput<'runs:update'>, 'runId'>,
): Promise<RunSummary> {
  const store = RunStore.open(resolveDatabasePath(db));
  try {
    const current = store.runs.summary(runId);
    if (!current) throw new AppFailure('not-found', `Run ${runId} does not exist in ${store.path}`);
    return await call(store, 'runs:update', { runId, ...change(current) });
  } finally {
    store.close();
  }
}
