import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import type { SnapshotSummary } from '@shared/inspect';
import type { ApiClient } from '../api/client';
import { isExact, scaleFor, type ColorScale, type MatrixImage } from '../domain/inspect-image';
import { matrixOrder, type InspectState } from '../domain/inspect-state';
import { useInspectMatrix, type MatrixRequest } from './useInspectMatrix';

export interface InspectMatricesInput {
  state: InspectState;
  snapshot: SnapshotSummary | null;
  /** The side-by-side snapshot (another run's, or another step's); null when alone. */
  other: SnapshotSummary | null;
}

/**
 * The heatmaps of the Inspect tab: the snapshot's matrix, and side by side the other snapshot's
 * and their difference (when both have the same d), all for the same view, order and region, so
 * they pan and zoom together. Shown side by side, the two matrices share one colour scale.
 */
export function useInspectMatrices(
  input: MaybeRefOrGetter<InspectMatricesInput>,
  options: { api?: ApiClient; debounceMs?: number } = {},
) {
  function request(
    snapshot: SnapshotSummary | null,
    minus: SnapshotSummary | null = null,
  ): MatrixRequest | null {
    const { state } = toValue(input);
    if (!snapshot) return null;
    return {
      snapshotId: snapshot.id,
      view: state.view,
      order: matrixOrder(state.ordering),
      reduce: state.reduce,
      maskDiagonal: state.maskDiagonal,
      ...(state.region ? { region: state.region } : {}),
      ...(minus ? { minusSnapshotId: minus.id } : {}),
    };
  }
  const canDiffer = computed(() => {
    const { snapshot, other } = toValue(input);
    return snapshot !== null && other !== null && snapshot.d === other.d && snapshot.id !== other.id;
  });
  const main = useInspectMatrix(() => request(toValue(input).snapshot), options);
  const side = useInspectMatrix(() => request(toValue(input).other), options);
  const difference = useInspectMatrix(
    () => (canDiffer.value ? request(toValue(input).snapshot, toValue(input).other) : null),
    options,
  );

  function scaleOf(images: (MatrixImage | null)[], isDifference: boolean): ColorScale | null {
    const shown = images.filter((image): image is MatrixImage => image !== null);
    const first = shown[0];
    if (!first) return null;
    const { state } = toValue(input);
    const range = {
      min: Math.min(...shown.map((image) => image.min)),
      max: Math.max(...shown.map((image) => image.max)),
    };
    return scaleFor(state.view, state.reduce, shown.every(isExact), range, isDifference);
  }
  const sharedScale = computed(() => scaleOf([main.image.value, side.image.value], false));
  const differenceScale = computed(() => scaleOf([difference.image.value], true));
  const isLoading = computed(
    () => main.isLoading.value || side.isLoading.value || difference.isLoading.value,
  );
  /** The slowest running overview's progress, 0..1, or null when none reports any. */
  const progress = computed(() => {
    const reports = [main, side, difference]
      .map((item) => item.progress.value)
      .filter((item) => item !== null);
    if (reports.length === 0) return null;
    return Math.min(...reports.map((item) => (item.total > 0 ? item.done / item.total : 0)));
  });
  return { main, side, difference, canDiffer, sharedScale, differenceScale, isLoading, progress };
}
