import { describe, expect, it } from 'vitest';
import {
  buildRunQuery,
  DEFAULT_LIST_STATE,
  listStateFromRoute,
  listStateToRoute,
  parseFilterText,
  sortBy,
} from '../../src-renderer/domain/run-query';

describe('the runs filter', () => {
  it('sends free text as the filter and tag: and status: words as their own fields', () => {
    expect(parseFilterText('  fft  tag:seed-1 status:Running lr TAG:seed-1 ')).toEqual({
      filter: 'fft lr',
      tags: ['seed-1'],
      status: ['running'],
    });
    expect(parseFilterText('')).toEqual({});
  });

  it('keeps words that are not a valid tag or status as free text', () => {
    expect(parseFilterText('status:sleeping tag:' + 'x'.repeat(41))).toEqual({
      filter: 'status:sleeping tag:' + 'x'.repeat(41),
    });
  });

  it('builds one page of the query from the list state', () => {
    expect(buildRunQuery({ text: 'bt', sort: 'loss', direction: 'asc', page: 2, pageSize: 50 })).toEqual({
      filter: 'bt',
      sort: 'loss',
      direction: 'asc',
      offset: 100,
      limit: 50,
    });
  });
});

describe('sorting by a column', () => {
  it('starts names and losses ascending, accuracy and time descending, and flips on a second click', () => {
    const byLoss = sortBy({ ...DEFAULT_LIST_STATE, page: 3 }, 'loss');
    expect(byLoss).toMatchObject({ sort: 'loss', direction: 'asc', page: 0 });
    expect(sortBy(byLoss, 'loss').direction).toBe('desc');
    expect(sortBy(byLoss, 'knnTop1').direction).toBe('desc');
    expect(sortBy(byLoss, 'name').direction).toBe('asc');
  });
});

describe('the list state in the URL', () => {
  it('leaves defaults out and reads back what it wrote', () => {
    expect(listStateToRoute(DEFAULT_LIST_STATE)).toEqual({});
    const state = {
      text: 'tag:a',
      sort: 'knnTop1' as const,
      direction: 'desc' as const,
      page: 4,
      pageSize: 100,
    };
    const query = listStateToRoute(state);
    expect(query).toEqual({ q: 'tag:a', sort: 'knnTop1', dir: 'desc', page: '5', size: '100' });
    expect(listStateFromRoute(query as Record<string, string>)).toEqual(state);
  });

  it('falls back to the defaults for unknown values', () => {
    expect(listStateFromRoute({ sort: 'colour', dir: 'up', page: '-2', size: '7' })).toEqual(
      DEFAULT_LIST_STATE,
    );
    expect(listStateFromRoute({ sort: 'name' })).toMatchObject({ sort: 'name', direction: 'asc' });
  });
});
