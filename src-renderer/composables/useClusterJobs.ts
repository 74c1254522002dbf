import { computed, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { ClusterJob } from '@shared/cluster/types';
import { isActiveSlurmState } from '@shared/cluster/types';
import { useApi, type ApiClient } from '../api/client';
import { sortJobs, upsertJob } from '../domain/cluster-jobs';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

/**
 * The jobs Decorbench submitted (`cluster:jobs`), newest first, kept live by `cluster:job` (each
 * submission, Slurm state, node and end) and `run:status` (their runs' status); refetched after the
 * event stream reconnects. With
 * `runId`, only that run's jobs.
 */
export function useClusterJobs(
  options: { runId?: MaybeRefOrGetter<number | undefined>; api?: ApiClient } = {},
) {
  const api = options.api ?? useApi();
  const jobs = shallowRef<ClusterJob[]>([]);
  const hasLoaded = ref(false);
  const list = useApiCall(
    'cluster:jobs',
    () => {
      const runId = toValue(options.runId);
      return runId === undefined ? {} : { runId };
    },
    { api },
  );
  watch(list.data, (listed) => {
    if (!listed) return;
    jobs.value = sortJobs(listed);
    hasLoaded.value = true;
  });
  useApiEvent(
    'cluster:job',
    (job) => {
      const runId = toValue(options.runId);
      if (runId === undefined || job.runId === runId) jobs.value = upsertJob(jobs.value, job);
    },
    api,
  );

  // A run's status can move without its job changing (the journal's end comes before Slurm's).
  useApiEvent(
    'run:status',
    (run) => {
      if (!jobs.value.some((job) => job.runId === run.id && job.runStatus !== run.status)) return;
      jobs.value = jobs.value.map((job) =>
        job.runId === run.id ? { ...job, runStatus: run.status, runName: run.name } : job,
      );
    },
    api,
  );

  return {
    jobs,
    hasLoaded,
    /** Jobs Slurm may still run (pending, running, requeued ...). */
    activeCount: computed(() => jobs.value.filter((job) => isActiveSlurmState(job.state)).length),
    isLoading: list.isLoading,
    error: list.error,
    reload: list.execute,
  };
}
