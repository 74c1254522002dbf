import { describe, expect, it } from 'vitest';
import {
  clickRow,
  compareLocation,
  coverage,
  deselectIds,
  EMPTY_SELECTION,
  selectIds,
  type RunSelection,
} from '../../src-renderer/domain/run-selection';

const shown = [50, 40, 30, 20, 10];
const ids = (selection: RunSelection) => [...selection.ids].sort((a, b) => a - b);

describe('ticking runs', () => {
  it('toggles a row with a plain click and makes it the anchor', () => {
    let selection = clickRow(EMPTY_SELECTION, shown, 40);
    expect(ids(selection)).toEqual([40]);
    expect(selection.anchor).toBe(40);
    selection = clickRow(selection, shown, 40);
    expect(ids(selection)).toEqual([]);
  });

  it('ticks the range from the anchor to a Shift-clicked row, downwards and upwards', () => {
    const down = clickRow(clickRow(EMPTY_SELECTION, shown, 40), shown, 20, true);
    expect(ids(down)).toEqual([20, 30, 40]);
    const up = clickRow(clickRow(EMPTY_SELECTION, shown, 20), shown, 50, true);
    expect(ids(up)).toEqual([20, 30, 40, 50]);
  });

  it('resizes a range from the same anchor and leaves rows outside it alone', () => {
    let selection = clickRow(EMPTY_SELECTION, shown, 10);
    selection = clickRow(selection, shown, 50);
    selection = clickRow(selection, shown, 30, true);
    expect(ids(selection)).toEqual([10, 30, 40, 50]);
    expect(selection.anchor).toBe(50);
  });

  it('unticks a range when the Shift-clicked row was ticked', () => {
    let selection = selectIds(EMPTY_SELECTION, shown);
    selection = clickRow(selection, shown, 50);
    selection = clickRow(selection, shown, 30, true);
    expect(ids(selection)).toEqual([10, 20]);
  });

  it('treats Shift as a plain click when the anchor is not shown (other page or filter)', () => {
    const selection = clickRow(clickRow(EMPTY_SELECTION, [7, 8], 7), shown, 30, true);
    expect(ids(selection)).toEqual([7, 30]);
    expect(selection.anchor).toBe(30);
  });

  it('adds and removes whole sets and reports how much of the shown rows is ticked', () => {
    const selection = selectIds(clickRow(EMPTY_SELECTION, shown, 99), [10, 20]);
    expect(ids(selection)).toEqual([10, 20, 99]);
    expect(coverage(selection, shown)).toBe('some');
    expect(coverage(selection, [10, 20])).toBe('all');
    expect(coverage(deselectIds(selection, [10, 20]), shown)).toBe('none');
  });

  it('opens Compare with the ids in ascending order', () => {
    expect(compareLocation(new Set([12, 3, 7]))).toEqual({ name: 'compare', query: { runs: '3,7,12' } });
  });
});
