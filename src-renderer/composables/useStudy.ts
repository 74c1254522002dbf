import {
  computed,
  getCurrentScope,
  onScopeDispose,
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue';
import type { AppError } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import type { StudyDetail, StudyReport, StudySummary } from '@shared/study/types';
import { useApi, type ApiClient } from '../api/client';
import { reportMayHaveChanged } from '../domain/study-summary';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

export interface UseStudyOptions {
  api?: ApiClient;
  /** Wait this long after a change before reloading the study's runs or report. Default 500 ms. */
  reloadDelayMs?: number;
}

type StudyAction = 'studies:stop' | 'studies:resume' | 'studies:retry' | 'studies:delete';

/**
 * One study: its detail (runs and their points), kept live by `study:status` and the runs' own
 * `run:status` / `run:progress` events, its paper-shaped report (reloaded when a run or an
 * evaluation ends), and the actions on the whole study.
 */
export function useStudy(studyId: MaybeRefOrGetter<number>, options: UseStudyOptions = {}) {
  const api = options.api ?? useApi();
  const delay = options.reloadDelayMs ?? 500;
  const detailCall = useApiCall('studies:get', () => ({ studyId: toValue(studyId) }), { api });
  const reportCall = useApiCall('studies:report', () => ({ studyId: toValue(studyId) }), {
    api,
    keepPreviousData: true,
  });
  const detail = shallowRef<StudyDetail | null>(null);
  const deleted = ref(false);

  watch(detailCall.data, (value) => {
    if (value) detail.value = value;
  });
  watch(
    () => toValue(studyId),
    () => {
      detail.value = null;
      deleted.value = false;
    },
  );

  // Bursts of events (every run of a study ending at once) reload once.
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  function later(name: string, action: () => void): void {
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(action, delay));
  }
  if (getCurrentScope()) onScopeDispose(() => timers.forEach((timer) => clearTimeout(timer)));

  function patchRun(runId: number, patch: (run: RunSummary) => RunSummary): void {
    const current = detail.value;
    if (!current) return;
    const index = current.runs.findIndex((item) => item.run.id === runId);
    if (index < 0) return;
    const runs = [...current.runs];
    runs[index] = { ...runs[index]!, run: patch(runs[index]!.run) };
    detail.value = { ...current, runs };
  }

  useApiEvent(
    'study:status',
    (summary: StudySummary) => {
      if (summary.id !== toValue(studyId)) return;
      const before = detail.value;
      if (before) detail.value = { ...before, ...summary };
      if (!before || before.counts.total !== summary.counts.total)
        later('detail', () => void detailCall.execute());
      if (reportMayHaveChanged(before ?? undefined, summary))
        later('report', () => void reportCall.execute());
    },
    api,
  );
  useApiEvent('run:status', (run) => patchRun(run.id, () => run), api);
  useApiEvent('run:progress', ({ runId, progress }) => patchRun(runId, (run) => ({ ...run, progress })), api);
  useApiEvent(
    'study:deleted',
    ({ studyId: id }) => {
      if (id === toValue(studyId)) deleted.value = true;
    },
    api,
  );

  const pending = ref<StudyAction | null>(null);
  const actionError = shallowRef<AppError | null>(null);

  async function act(action: StudyAction): Promise<boolean> {
    if (pending.value) return false;
    pending.value = action;
    actionError.value = null;
    const result = await api.call(action, { studyId: toValue(studyId) });
    pending.value = null;
    if (!result.ok) {
      actionError.value = result.error;
      return false;
    }
    if (action === 'studies:delete') deleted.value = true;
    else {
      const current = detail.value;
      if (current) detail.value = { ...current, ...(result.value as StudySummary) };
      void detailCall.execute();
    }
    return true;
  }

  return {
    detail,
    error: detailCall.error,
    isLoading: detailCall.isLoading,
    deleted,
    report: computed<StudyReport | undefined>(() => reportCall.data.value),
    reportError: reportCall.error,
    reloadReport: reportCall.execute,
    pending,
    actionError,
    stop: () => act('studies:stop'),
    resume: () => act('studies:resume'),
    retry: () => act('studies:retry'),
    remove: () => act('studies:delete'),
  };
}
