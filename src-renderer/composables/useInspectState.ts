import { computed, type ComputedRef } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { QueryValue } from '../domain/compare-state';
import { parseInspectQuery, toInspectQuery, type InspectState } from '../domain/inspect-state';

export interface UseInspectStateReturn {
  state: ComputedRef<InspectState>;
  /** Changes the view by replacing the URL (no history entry per scrub or pan). */
  update: (patch: Partial<InspectState>) => void;
}

/** The Inspect tab's state, read from and written to the URL's query (see inspect-state.ts). */
export function useInspectState(): UseInspectStateReturn {
  const route = useRoute();
  const router = useRouter();
  const state = computed(() => parseInspectQuery(route.query as Record<string, QueryValue>));
  function update(patch: Partial<InspectState>): void {
    void router.replace({ query: toInspectQuery({ ...state.value, ...patch }) });
  }
  return { state, update };
}
