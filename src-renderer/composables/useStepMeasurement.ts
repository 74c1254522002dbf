import { computed, ref, shallowRef } from 'vue';
import type { CostStudySummary } from '@shared/cost/types';
import type { AppError } from '@shared/errors';
import type { RunConfig } from '@shared/config/run-config';
import { stepMeasurements } from '@shared/study/measure-plan';
import { useApi, type ApiClient } from '../api/client';
import { useApiEvent } from './useApiEvent';

/**
 * The study form's "Measure step time": when no earlier run has the grid's shape, it starts cost
 * studies that time each distinct training step (src-shared/study/measure-plan.ts) and calls
 * `onMeasured` once all have ended, so the preview can estimate from the stored step points.
 */
export function useStepMeasurement(onMeasured: () => void, api: ApiClient = useApi()) {
  const studies = ref<CostStudySummary[]>([]);
  const error = shallowRef<AppError | null>(null);
  const isRunning = computed(() =>
    studies.value.some((study) => study.status === 'queued' || study.status === 'running'),
  );
  const progress = computed(() => ({
    done: studies.value.reduce((sum, study) => sum + study.progress.done, 0),
    total: studies.value.reduce((sum, study) => sum + study.progress.total, 0),
  }));
  /** Why a measurement ended without every point (a failed or stopped cost study). */
  const failure = computed(() => studies.value.find((study) => study.status === 'failed')?.error ?? null);

  useApiEvent(
    'cost:status',
    (summary) => {
      const index = studies.value.findIndex((study) => study.id === summary.id);
      if (index < 0) return;
      const wasRunning = isRunning.value;
      studies.value = studies.value.map((study, i) => (i === index ? summary : study));
      if (wasRunning && !isRunning.value) onMeasured();
    },
    api,
  );

  async function measure(configs: readonly RunConfig[], name: string): Promise<void> {
    error.value = null;
    const started: CostStudySummary[] = [];
    for (const settings of stepMeasurements(configs, name)) {
      const result = await api.call('cost:start', { settings });
      if (!result.ok) {
        error.value = result.error;
        break;
      }
      started.push(result.value);
    }
    studies.value = started;
  }

  return { measure, studies, isRunning, progress, failure, error };
}
