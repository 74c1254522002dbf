import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INSPECT_STATE,
  matrixOrder,
  nearestStep,
  parseInspectQuery,
  toInspectQuery,
  type InspectState,
} from '../../src-renderer/domain/inspect-state';

describe('the Inspect tab URL', () => {
  it('reads the shared-link example and writes it back the same', () => {
    const query = {
      step: '120',
      view: 'corr1',
      order: 'permuted',
      reduce: 'rms',
      mask: '1',
      rows: '0-512',
      cols: '512-1024',
      pair: '2,3',
    };
    const state = parseInspectQuery(query);
    expect(state).toEqual<InspectState>({
      step: 120,
      snapshotId: null,
      view: 'corr1',
      ordering: 'permuted',
      reduce: 'rms',
      maskDiagonal: true,
      region: { rows: [0, 512], cols: [512, 1024] },
      withRun: null,
      withStep: null,
      side: false,
      pair: [2, 3],
    });
    expect(toInspectQuery(state)).toEqual(query);
  });

  it('leaves defaults out and keeps side by side with its run and step', () => {
    expect(toInspectQuery(DEFAULT_INSPECT_STATE)).toEqual({});
    const side = {
      ...DEFAULT_INSPECT_STATE,
      side: true,
      withRun: 7,
      withStep: 40,
      ordering: 'blocks' as const,
    };
    expect(toInspectQuery(side)).toEqual({ side: '1', with: '7', withStep: '40', order: 'blocks' });
    expect(parseInspectQuery(toInspectQuery(side))).toEqual(side);
    // A run or step to compare with opens side by side by itself.
    expect(parseInspectQuery({ with: '3' }).side).toBe(true);
    // Closing side by side drops its choices from the URL.
    expect(toInspectQuery({ ...side, side: false })).toEqual({ order: 'blocks' });
  });

  it('falls back to the defaults for what a hand-edited link gets wrong', () => {
    expect(
      parseInspectQuery({
        step: '-4',
        view: 'gram',
        order: 'sorted',
        rows: '9-3',
        cols: '0-4',
        pair: 'a,b',
        with: '0',
        mask: 'yes',
      }),
    ).toEqual(DEFAULT_INSPECT_STATE);
    expect(parseInspectQuery({ step: ['12', '13'] }).step).toBe(12);
    expect(parseInspectQuery({ step: '12', snapshot: '0' }).snapshotId).toBeNull();
  });

  it('keeps which snapshot of a step, with its step only', () => {
    const state = { ...DEFAULT_INSPECT_STATE, step: 40, snapshotId: 7 };
    expect(toInspectQuery(state)).toEqual({ step: '40', snapshot: '7' });
    expect(parseInspectQuery({ step: '40', snapshot: '7' })).toEqual(state);
    expect(toInspectQuery({ ...state, step: null })).toEqual({});
  });

  it('asks the API for the permuted order under both permuted orderings', () => {
    expect([matrixOrder('original'), matrixOrder('permuted'), matrixOrder('blocks')]).toEqual([
      'original',
      'permuted',
      'permuted',
    ]);
  });

  it('finds the snapshot nearest a step (the newest without one)', () => {
    expect(nearestStep([0, 100, 200], null)).toBe(200);
    expect(nearestStep([0, 100, 200], 140)).toBe(100);
    expect(nearestStep([0, 100, 200], 150)).toBe(200);
    expect(nearestStep([], 5)).toBeNull();
  });
});
