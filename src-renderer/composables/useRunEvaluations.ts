import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { CallInput } from '@shared/api/contract';
import type { AppError } from '@shared/errors';
import type { EvaluationKind, EvaluationSummary } from '@shared/runs';
import { useApi, type ApiClient } from '../api/client';
import { mergeEvaluationLists, upsertEvaluation } from '../domain/evaluations';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

export interface UseRunEvaluationsOptions {
  /** Default: the injected client. */
  api?: ApiClient;
}

/** What `start` sends besides the run and the kind: the checkpoint (default: the newest good one) and settings. */
export type StartEvaluationOptions = Omit<CallInput<'evaluations:start'>, 'runId' | 'kind'>;

/**
 * A run's offline evaluations (`evaluations:list`), newest first, kept live by `run:evaluation`
 * events (queued -> running with progress -> completed or failed). The list is a shallowRef
 * replaced whole on every change. A refused start is kept in `startError`, not thrown.
 */
export function useRunEvaluations(
  runId: MaybeRefOrGetter<number | null>,
  options: UseRunEvaluationsOptions = {},
) {
  const api = options.api ?? useApi();
  const evaluations = shallowRef<readonly EvaluationSummary[]>([]);
  const isStarting = ref(false);
  const startError = shallowRef<AppError | null>(null);

  const list = useApiCall(
    'evaluations:list',
    () => {
      const id = toValue(runId);
      return id === null ? null : { runId: id };
    },
    { api },
  );

  watch(
    () => toValue(runId),
    () => {
      evaluations.value = [];
      startError.value = null;
    },
  );
  watch(list.data, (listed) => {
    if (listed) evaluations.value = mergeEvaluationLists(evaluations.value, listed);
  });

  useApiEvent(
    'run:evaluation',
    (evaluation) => {
      if (evaluation.runId === toValue(runId))
        evaluations.value = upsertEvaluation(evaluations.value, evaluation);
    },
    api,
  );

  /** Queues an evaluation; resolves to its summary, or null when refused (see `startError`). */
  async function start(
    kind: EvaluationKind,
    startOptions: StartEvaluationOptions = {},
  ): Promise<EvaluationSummary | null> {
    const id = toValue(runId);
    if (id === null || isStarting.value) return null;
    isStarting.value = true;
    startError.value = null;
    const result = await api.call('evaluations:start', { runId: id, kind, ...startOptions });
    isStarting.value = false;
    if (id !== toValue(runId)) return null;
    if (!result.ok) {
      startError.value = result.error;
      return null;
    }
    evaluations.value = upsertEvaluation(evaluations.value, result.value);
    return result.value;
  }

  return {
    evaluations,
    isLoading: list.isLoading,
    error: list.error,
    isStarting,
    startError,
    start,
    refresh: list.execute,
  };
}
