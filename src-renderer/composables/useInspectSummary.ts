import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { decodeFloat32 } from '@shared/inspect';
import type { ApiClient } from '../api/client';
import type { MatrixImage } from '../domain/inspect-image';
import { useApiCall } from './useApiCall';

/**
 * What the relaxed loss sees at one snapshot: the G x G contribution map (as an image the
 * heatmap draws, one cell per block pair) and, for the pair picked, its summary vector r_gh[k].
 * The VICReg family's summaries are of one view's covariance (`view`).
 */
export function useInspectSummary(
  snapshotId: MaybeRefOrGetter<number | null>,
  pair: MaybeRefOrGetter<[number, number] | null>,
  view: MaybeRefOrGetter<'cov1' | 'cov2'> = 'cov1',
  options: { api?: ApiClient } = {},
) {
  const summary = useApiCall(
    'inspect:summary',
    () => {
      const id = toValue(snapshotId);
      return id === null ? null : { snapshotId: id, view: toValue(view) };
    },
    { keepPreviousData: true, api: options.api },
  );
  const contributions = computed<MatrixImage | null>(() => {
    const value = summary.data.value;
    if (!value) return null;
    const values = decodeFloat32(value.contributions);
    let min = Infinity;
    let max = -Infinity;
    for (const item of values) {
      if (!Number.isFinite(item)) continue;
      min = Math.min(min, item);
      max = Math.max(max, item);
    }
    return {
      region: { rows: [0, value.groups], cols: [0, value.groups] },
      rows: value.groups,
      cols: value.groups,
      cellRows: 1,
      cellCols: 1,
      values,
      min: min <= max ? min : 0,
      max: min <= max ? max : 0,
      reduce: 'extreme',
    };
  });
  const pairCall = useApiCall(
    'inspect:pair',
    () => {
      const id = toValue(snapshotId);
      const picked = toValue(pair);
      const groups = summary.data.value?.groups;
      if (id === null || !picked || groups === undefined) return null;
      if (picked[0] >= groups || picked[1] >= groups) return null;
      return { snapshotId: id, g: picked[0], h: picked[1], view: toValue(view) };
    },
    { keepPreviousData: true, api: options.api },
  );
  const vector = computed(() => (pairCall.data.value ? decodeFloat32(pairCall.data.value.r) : null));
  return { summary, contributions, pair: pairCall, vector };
}
