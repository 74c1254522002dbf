import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { COMPARE_LIMITS, RUN_SORT_FIELDS, type RunQuery, type RunSortField } from '@shared/compare';
import { RUN_STATUSES, type RunStatus } from '@shared/runs';

/** What the Runs page asks the backend for; kept in the page's URL so Back returns to it. */
export interface RunListState {
  /** The filter box as typed: free text plus `tag:NAME` and `status:NAME` words. */
  text: string;
  sort: RunSortField;
  direction: 'asc' | 'desc';
  /** 0-based. */
  page: number;
  pageSize: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;

export const DEFAULT_LIST_STATE: RunListState = {
  text: '',
  sort: 'id',
  direction: 'desc',
  page: 0,
  pageSize: 50,
};

/**
 * The direction a column sorts in when first clicked: names, statuses and loss names A to Z,
 * everything else largest or newest first. (`loss` sorts by the loss's name: values of
 * different losses are on different scales, so ordering runs by them would mislead.)
 */
export function firstDirection(field: RunSortField): 'asc' | 'desc' {
  return field === 'name' || field === 'status' || field === 'loss' ? 'asc' : 'desc';
}

/** The state after clicking a column header: the same column flips, another starts in its first direction. */
export function sortBy(state: RunListState, field: RunSortField): RunListState {
  const direction =
    state.sort === field ? (state.direction === 'asc' ? 'desc' : 'asc') : firstDirection(field);
  return { ...state, sort: field, direction, page: 0 };
}

const TAG_PATTERN = /^[^\s,]+$/u;

/**
 * Splits the filter box into the query's fields: `tag:NAME` asks for runs carrying that tag,
 * `status:NAME` for runs in that status; the remaining words are matched as free text (name,
 * status, loss, backbone, tags and notes, on the server).
 */
export function parseFilterText(text: string): Pick<RunQuery, 'filter' | 'status' | 'tags'> {
  const tags: string[] = [];
  const statuses: RunStatus[] = [];
  const free: string[] = [];
  for (const word of text.trim().split(/\s+/u).filter(Boolean)) {
    const [, key, value] = /^(tag|status):(.+)$/iu.exec(word) ?? [];
    const lower = value?.toLowerCase();
    if (key?.toLowerCase() === 'tag' && value && value.length <= COMPARE_LIMITS.maxTagLength) {
      if (TAG_PATTERN.test(value) && !tags.includes(value)) tags.push(value);
    } else if (key?.toLowerCase() === 'status' && RUN_STATUSES.includes(lower as RunStatus)) {
      if (!statuses.includes(lower as RunStatus)) statuses.push(lower as RunStatus);
    } else {
      free.push(word);
    }
  }
  const query: Pick<RunQuery, 'filter' | 'status' | 'tags'> = {};
  if (free.length > 0) query.filter = free.join(' ').slice(0, 200);
  if (statuses.length > 0) query.status = statuses;
  if (tags.length > 0) query.tags = tags.slice(0, COMPARE_LIMITS.maxTags);
  return query;
}

/** The `runs:query` input for one page of the list. */
export function buildRunQuery(state: RunListState): RunQuery {
  return {
    ...parseFilterText(state.text),
    sort: state.sort,
    direction: state.direction,
    offset: state.page * state.pageSize,
    limit: state.pageSize,
  };
}

const first = (value: LocationQuery[string] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value) ?? undefined;

/** Reads the list state from the page's URL; anything unknown falls back to the defaults. */
export function listStateFromRoute(query: LocationQuery): RunListState {
  const sort = first(query.sort);
  const direction = first(query.dir);
  const page = Number(first(query.page));
  const pageSize = Number(first(query.size));
  const field = RUN_SORT_FIELDS.includes(sort as RunSortField) ? (sort as RunSortField) : undefined;
  return {
    text: first(query.q) ?? DEFAULT_LIST_STATE.text,
    sort: field ?? DEFAULT_LIST_STATE.sort,
    direction:
      direction === 'asc' || direction === 'desc'
        ? direction
        : field
          ? firstDirection(field)
          : DEFAULT_LIST_STATE.direction,
    page: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_LIST_STATE.pageSize,
  };
}

/** The URL query for a list state; defaults are left out so a plain `#/runs` stays plain. */
export function listStateToRoute(state: RunListState): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  if (state.text) query.q = state.text;
  if (state.sort !== DEFAULT_LIST_STATE.sort || state.direction !== DEFAULT_LIST_STATE.direction) {
    query.sort = state.sort;
    query.dir = state.direction;
  }
  if (state.page > 0) query.page = String(state.page + 1);
  if (state.pageSize !== DEFAULT_LIST_STATE.pageSize) query.size = String(state.pageSize);
  return query;
}
