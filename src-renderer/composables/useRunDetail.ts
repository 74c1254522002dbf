import { toValue, type MaybeRefOrGetter } from 'vue';
import { isActiveStatus } from '@shared/runs';
import type { ApiClient } from '../api/client';
import { useApi } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

/**
 * One run's detail (`runs:get`), kept live by `run:status` and `run:progress`. When the worker
 * has chosen its backend and when the run ends, the detail is fetched again for what only the
 * detail has (skipped-backend notes, exit code, checkpoints).
 */
export function useRunDetail(runId: MaybeRefOrGetter<number | null>, api: ApiClient = useApi()) {
  const call = useApiCall(
    'runs:get',
    () => {
      const id = toValue(runId);
      return id === null ? null : { runId: id };
    },
    { api },
  );
  const { data } = call;

  useApiEvent(
    'run:status',
    (summary) => {
      const run = data.value;
      if (!run || summary.id !== run.id) return;
      const ended = isActiveStatus(run.status) && !isActiveStatus(summary.status);
      // The worker picked its backend: the detail now has the notes on the backends it skipped.
      const backendChosen = run.backend === null && summary.backend !== null;
      data.value = { ...run, ...summary };
      if (ended || backendChosen) void call.execute();
    },
    api,
  );

  useApiEvent(
    'run:progress',
    ({ runId: id, progress }) => {
      const run = data.value;
      if (run && id === run.id) data.value = { ...run, progress };
    },
    api,
  );

  return { run: data, error: call.error, isLoading: call.isLoading, refresh: call.execute };
}
