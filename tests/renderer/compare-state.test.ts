import { describe, expect, it } from 'vitest';
import type { CompareState } from '@shared/compare';
import { compareStateSchema } from '@shared/api/schemas';
import {
  DEFAULT_COMPARE_STATE,
  parseCompareQuery,
  toCompareQuery,
} from '../../src-renderer/domain/compare-state';

describe('the Compare page URL', () => {
  it('round-trips every setting through the query', () => {
    const state: CompareState = {
      runIds: [7, 3, 12],
      metrics: ['loss', 'knn/top1', 'loss/offDiagonal'],
      xAxis: 'wallTime',
      smoothing: 0.85,
      logY: true,
      ignoreOutliers: true,
      groupBy: ['loss.name', 'model.projectorOutputDim'],
      band: 'ci95',
    };
    const query = toCompareQuery(state);
    expect(query).toEqual({
      runs: '7,3,12',
      metrics: 'loss,knn/top1,loss/offDiagonal',
      x: 'wallTime',
      smooth: '0.85',
      logy: '1',
      outliers: '1',
      group: 'loss.name,model.projectorOutputDim',
      band: 'ci95',
    });
    expect(parseCompareQuery(query)).toEqual(state);
    // What the page keeps is what a saved comparison stores: the shared schema accepts it as is.
    expect(compareStateSchema.parse(parseCompareQuery(query))).toEqual(state);
  });

  it('leaves defaults out, so a plain comparison has a short link', () => {
    expect(toCompareQuery({ ...DEFAULT_COMPARE_STATE, runIds: [1, 2] })).toEqual({ runs: '1,2' });
    expect(parseCompareQuery({ runs: '1,2' })).toEqual({ ...DEFAULT_COMPARE_STATE, runIds: [1, 2] });
  });

  it('opens a hand-edited or stale link with what makes sense instead of failing', () => {
    const state = parseCompareQuery({
      runs: '3,x,-1,3,0,4.5,9',
      x: 'minutes',
      smooth: '1.7',
      band: 'iqr',
      logy: 'yes',
      metrics: ',loss,,loss',
    });
    expect(state.runIds).toEqual([3, 9]);
    expect(state.xAxis).toBe('step');
    expect(state.smoothing).toBe(0.99);
    expect(state.band).toBe('minmax');
    expect(state.logY).toBe(false);
    expect(state.metrics).toEqual(['loss']);
    expect(parseCompareQuery({ smooth: 'abc', runs: ['5,6', '7'] })).toMatchObject({
      smoothing: 0,
      runIds: [5, 6],
    });
  });
});
