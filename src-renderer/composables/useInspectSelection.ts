import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import type { SnapshotSummary } from '@shared/inspect';
import type { ApiClient } from '../api/client';
import { nearestStep, type InspectState } from '../domain/inspect-state';
import { useApiCall } from './useApiCall';
import { useInspectSnapshots } from './useInspectSnapshots';

/** The snapshot nearest `step`; of two at that step, the one named by `id`, else the first. */
export function atStep(
  snapshots: readonly SnapshotSummary[],
  step: number | null,
  id: number | null = null,
): SnapshotSummary | null {
  const found = nearestStep(
    snapshots.map((item) => item.step),
    step,
  );
  const candidates = snapshots.filter((item) => item.step === found);
  return candidates.find((item) => item.id === id) ?? candidates[0] ?? null;
}

/** The URL's choice of snapshot `index` of the list: its step, and its id when the step has two. */
export function stepChoice(
  snapshots: readonly SnapshotSummary[],
  index: number,
): { step: number; snapshotId: number | null } | null {
  const chosen = snapshots[index];
  if (!chosen) return null;
  const shared = snapshots.some((item) => item.step === chosen.step && item.id !== chosen.id);
  return { step: chosen.step, snapshotId: shared ? chosen.id : null };
}

/**
 * Which snapshots the Inspect tab shows: this run's at the URL's step (the nearest one; the newest
 * when none is given), and side by side the other one: another run's at the chosen step (or the
 * one nearest this step), or, for this run, the chosen step (by default its first snapshot, the
 * initialisation, to compare against).
 */
export function useInspectSelection(
  runId: MaybeRefOrGetter<number>,
  state: MaybeRefOrGetter<InspectState>,
  options: { api?: ApiClient } = {},
) {
  const own = useInspectSnapshots(runId, options);
  const otherRunId = computed(() => {
    const current = toValue(state);
    return current.side && current.withRun !== null && current.withRun !== toValue(runId)
      ? current.withRun
      : null;
  });
  const foreign = useInspectSnapshots(otherRunId, options);
  const otherRun = useApiCall(
    'runs:get',
    () => (otherRunId.value === null ? null : { runId: otherRunId.value }),
    {
      api: options.api,
    },
  );

  const snapshot = computed(() =>
    atStep(own.snapshots.value, toValue(state).step, toValue(state).snapshotId),
  );
  const index = computed(() => (snapshot.value ? own.snapshots.value.indexOf(snapshot.value) : -1));
  /** The snapshots the other side picks from. */
  const otherSnapshots = computed(() =>
    otherRunId.value === null ? own.snapshots.value : foreign.snapshots.value,
  );
  const other = computed(() => {
    const current = toValue(state);
    if (!current.side) return null;
    const list = otherSnapshots.value;
    if (current.withStep !== null) return atStep(list, current.withStep);
    if (otherRunId.value !== null) return atStep(list, snapshot.value?.step ?? null);
    const first = list[0] ?? null;
    return first && first.id !== snapshot.value?.id ? first : null;
  });
  const otherRunName = computed(() =>
    otherRunId.value === null ? null : (otherRun.data.value?.name ?? `run ${otherRunId.value}`),
  );
  return { own, foreign, snapshot, index, other, otherSnapshots, otherRunId, otherRunName };
}
