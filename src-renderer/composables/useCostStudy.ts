import { computed, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { costCrossovers, fitCostCurves } from '@shared/cost/fit';
import type { CostPoint, CostStudyDetail, CostStudySummary } from '@shared/cost/types';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import { useApiCall } from './useApiCall';
import { useApiEvent } from './useApiEvent';

const ACTIVE: readonly CostStudySummary['status'][] = ['queued', 'running'];

/** A point's identity within a study: one measurement per kind, loss, b and d. */
const pointKey = (point: CostPoint) => `${point.kind}|${point.loss}|${point.blockSize}|${point.d}|${point.n}`;

/** Adds points not yet in the list, in arrival order. */
export function mergeCostPoints(points: readonly CostPoint[], more: readonly CostPoint[]): CostPoint[] {
  const seen = new Set(points.map(pointKey));
  const merged = [...points];
  for (const point of more) {
    const key = pointKey(point);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(point);
  }
  return merged;
}

/**
 * One cost study (`cost:get`), live: `cost:point` appends points, `cost:status` updates the
 * summary (progress, status) and, when the study ends, the detail is fetched again for the final
 * fits and crossovers (computed here meanwhile). Points that arrive before the first answer are
 * kept and merged into it.
 */
export function useCostStudy(costStudyId: MaybeRefOrGetter<number>, options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const detail = shallowRef<CostStudyDetail | null>(null);
  let early: CostPoint[] = [];
  const call = useApiCall('cost:get', () => ({ costStudyId: toValue(costStudyId) }), { api });

  watch(
    () => toValue(costStudyId),
    () => {
      detail.value = null;
      early = [];
    },
  );
  watch(call.data, (loaded) => {
    if (!loaded) return;
    const known = detail.value?.id === loaded.id ? detail.value.points : [];
    detail.value = { ...loaded, points: mergeCostPoints(loaded.points, [...known, ...early]) };
    early = [];
  });

  useApiEvent(
    'cost:point',
    ({ costStudyId: id, point }) => {
      if (id !== toValue(costStudyId)) return;
      if (!detail.value) early.push(point);
      else detail.value = { ...detail.value, points: mergeCostPoints(detail.value.points, [point]) };
    },
    api,
  );
  useApiEvent(
    'cost:status',
    (summary) => {
      if (summary.id !== toValue(costStudyId) || !detail.value) return;
      const wasActive = ACTIVE.includes(detail.value.status);
      detail.value = { ...detail.value, ...summary, points: detail.value.points };
      // The fits and crossovers are computed once the points are in: fetch them.
      if (wasActive && !ACTIVE.includes(summary.status)) void call.execute();
    },
    api,
  );

  const isActive = computed(() => detail.value !== null && ACTIVE.includes(detail.value.status));
  /**
   * While points arrive the stored fits are not there yet: the same shared functions the host
   * uses compute them from the points so far, so the slopes and the crossover move as it measures.
   */
  const live = computed((): CostStudyDetail | null => {
    const value = detail.value;
    if (!value || !isActive.value) return value;
    const { blockSizes } = value.settings;
    return {
      ...value,
      fits: fitCostCurves(value.points, blockSizes),
      crossovers: costCrossovers(value.points, blockSizes),
    };
  });
  return { detail: live, error: call.error, isLoading: call.isLoading, isActive, reload: call.execute };
}

/**
 * Other cost studies drawn on the same axes: each detail fetched once per id, and again when a
 * study that was running ends.
 */
export function useCostOverlays(ids: MaybeRefOrGetter<readonly number[]>, options: { api?: ApiClient } = {}) {
  const api = options.api ?? useApi();
  const loaded = shallowRef<ReadonlyMap<number, CostStudyDetail>>(new Map());
  const error = shallowRef<AppError | null>(null);
  const isLoading = ref(false);

  async function load(id: number): Promise<void> {
    isLoading.value = true;
    const result = await api.call('cost:get', { costStudyId: id });
    isLoading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    if (!toValue(ids).includes(id)) return;
    loaded.value = new Map([...loaded.value, [id, result.value]]);
  }

  watch(
    () => [...toValue(ids)],
    (next) => {
      error.value = null;
      loaded.value = new Map([...loaded.value].filter(([id]) => next.includes(id)));
      for (const id of next) if (!loaded.value.has(id)) void load(id);
    },
    { immediate: true },
  );
  useApiEvent(
    'cost:status',
    (summary) => {
      // Only a study that just ended has new fits worth a fetch.
      if (loaded.value.has(summary.id) && !ACTIVE.includes(summary.status)) void load(summary.id);
    },
    api,
  );

  const overlays = computed(() => toValue(ids).flatMap((id) => loaded.value.get(id) ?? []));
  return { overlays, error, isLoading };
}
