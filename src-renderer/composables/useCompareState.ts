import { computed, type ComputedRef } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { CompareState } from '@shared/compare';
import { parseCompareQuery, toCompareQuery, type QueryValue } from '../domain/compare-state';

export interface UseCompareStateReturn {
  /** The comparison the URL describes. */
  state: ComputedRef<CompareState>;
  /** Changes settings by replacing the URL (no history entry per slider move). */
  update: (patch: Partial<CompareState>) => void;
}

/**
 * The comparison's selection and settings, kept in the URL's query so a comparison can be
 * reloaded, bookmarked and shared: the URL is the only state, the page reads it back.
 */
export function useCompareState(): UseCompareStateReturn {
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => parseCompareQuery(route.query as Record<string, QueryValue>));
  function update(patch: Partial<CompareState>): void {
    void router.replace({ name: 'compare', query: toCompareQuery({ ...state.value, ...patch }) });
  }
  return { state, update };
}
