/**
 * Which runs are ticked for comparison. The selection outlives filtering, sorting and paging
 * (a user narrows the list several times to collect runs); the anchor is the last row clicked
 * without Shift, where a Shift-click range starts, as in a file manager or Gmail.
 */
export interface RunSelection {
  ids: ReadonlySet<number>;
  anchor: number | null;
}

export const EMPTY_SELECTION: RunSelection = { ids: new Set(), anchor: null };

/**
 * The selection after clicking the checkbox of `id` among the rows shown in `orderedIds`.
 * A plain click toggles the row and makes it the anchor. A Shift-click gives every row from the
 * anchor to `id` (both included, in either direction) the state the clicked row toggles to; when
 * the anchor is not among the shown rows (another page or filter), it acts as a plain click.
 */
export function clickRow(
  selection: RunSelection,
  orderedIds: readonly number[],
  id: number,
  shift = false,
): RunSelection {
  const target = !selection.ids.has(id);
  const ids = new Set(selection.ids);
  const from = selection.anchor === null ? -1 : orderedIds.indexOf(selection.anchor);
  const to = orderedIds.indexOf(id);
  const range =
    shift && from >= 0 && to >= 0 ? orderedIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const rangeId of range) {
    if (target) ids.add(rangeId);
    else ids.delete(rangeId);
  }
  // A range keeps its anchor so a second Shift-click resizes it from the same row.
  return { ids, anchor: shift && range.length > 1 ? selection.anchor : id };
}

/** Adds `ids` (e.g. every run the filter matches) to the selection. */
export function selectIds(selection: RunSelection, ids: Iterable<number>): RunSelection {
  return { ids: new Set([...selection.ids, ...ids]), anchor: selection.anchor };
}

/** Removes `ids` (e.g. the shown page) from the selection. */
export function deselectIds(selection: RunSelection, ids: Iterable<number>): RunSelection {
  const removed = new Set(ids);
  return { ids: new Set([...selection.ids].filter((id) => !removed.has(id))), anchor: selection.anchor };
}

/** How much of `ids` is selected: drives the header checkbox (checked, indeterminate, empty). */
export function coverage(selection: RunSelection, ids: readonly number[]): 'none' | 'some' | 'all' {
  const selected = ids.filter((id) => selection.ids.has(id)).length;
  if (selected === 0) return 'none';
  return selected === ids.length ? 'all' : 'some';
}

/** The Compare page's address for the selected runs: `/compare?runs=1,2,3`, in ascending id order. */
export function compareLocation(ids: Iterable<number>): { name: 'compare'; query: { runs: string } } {
  return { name: 'compare', query: { runs: [...ids].sort((a, b) => a - b).join(',') } };
}
