import { computed, ref, shallowRef, type ShallowRef } from 'vue';
import type { AppError } from '@shared/errors';
import {
  clickRow,
  coverage,
  deselectIds,
  EMPTY_SELECTION,
  selectIds,
  type RunSelection,
} from '../domain/run-selection';

/**
 * The ticked runs of the Runs page. `selectMatching` asks for every run the filter matches
 * (through `fetchMatching`, all pages) and adds them; a failure is kept in `error`. Pass
 * `selection` to keep the ticks beyond the page (Back from Compare finds them again).
 */
export function useRunSelection(
  fetchMatching: () => Promise<number[] | AppError>,
  options: { selection?: ShallowRef<RunSelection> } = {},
) {
  const selection = options.selection ?? shallowRef<RunSelection>(EMPTY_SELECTION);
  const isSelectingMatching = ref(false);
  const error = shallowRef<AppError | null>(null);
  const ids = computed(() => [...selection.value.ids].sort((a, b) => a - b));

  /** A row's checkbox was clicked (`shift`: with the Shift key held) among the shown rows. */
  function click(id: number, shownIds: readonly number[], shift = false): void {
    selection.value = clickRow(selection.value, shownIds, id, shift);
  }

  /** The header checkbox: ticks every shown row, or unticks them when all are ticked. */
  function togglePage(shownIds: readonly number[]): void {
    selection.value =
      coverage(selection.value, shownIds) === 'all'
        ? deselectIds(selection.value, shownIds)
        : selectIds(selection.value, shownIds);
  }

  async function selectMatching(): Promise<void> {
    isSelectingMatching.value = true;
    const found = await fetchMatching();
    isSelectingMatching.value = false;
    if (Array.isArray(found)) {
      error.value = null;
      selection.value = selectIds(selection.value, found);
    } else {
      error.value = found;
    }
  }

  function clear(): void {
    selection.value = EMPTY_SELECTION;
  }

  /** Forgets runs that no longer exist. */
  function drop(id: number): void {
    selection.value = deselectIds(selection.value, [id]);
  }

  const pageCoverage = (shownIds: readonly number[]) => coverage(selection.value, shownIds);

  return {
    selection,
    ids,
    isSelectingMatching,
    error,
    click,
    togglePage,
    selectMatching,
    clear,
    drop,
    pageCoverage,
  };
}
