import { describe, expect, it } from 'vitest';
import { aggregateRows, aggregateSeries, groupRuns } from '@shared/compare/groups';
import { compareRow } from './compare-row';

const runs = [
  { id: 1, config: { loss: { name: 'bt' }, model: { featureDim: 32 }, seed: 1 } },
  { id: 2, config: { loss: { name: 'sbt' }, model: { featureDim: 32 }, seed: 1 } },
  { id: 3, config: { loss: { name: 'bt' }, model: { featureDim: 32 }, seed: 2 } },
  { id: 4, config: { loss: { name: 'bt' }, model: { featureDim: 64 }, seed: 1 } },
  { id: 5, config: { loss: { name: 'bt', extra: null }, model: {}, seed: 1 } },
  { id: 6, config: { loss: { name: 'bt' }, model: { featureDim: null }, seed: 1 } },
];
const configOf = (run: (typeof runs)[number]) => run.config;

describe('groupRuns', () => {
  it('folds runs with equal values of the fields together, in order of first appearance', () => {
    const groups = groupRuns(runs, configOf, ['loss.name', 'model.featureDim']);
    expect(groups.map((group) => [group.label, group.members.map((run) => run.id)])).toEqual([
      ['loss.name=bt, model.featureDim=32', [1, 3]],
      ['loss.name=sbt, model.featureDim=32', [2]],
      ['loss.name=bt, model.featureDim=64', [4]],
      ['loss.name=bt, model.featureDim=—', [5]],
      ['loss.name=bt, model.featureDim=null', [6]],
    ]);
  });

  it('groups by one field, and without fields gives each run its own group', () => {
    expect(groupRuns(runs, configOf, ['loss.name']).map((group) => group.members.length)).toEqual([5, 1]);
    const alone = groupRuns(runs, configOf, []);
    expect(alone.map((group) => group.members)).toEqual(runs.map((run) => [run]));
  });
});

describe('aggregateSeries', () => {
  it('aggregates over the union of steps, interpolating inside a run and never past its ends', () => {
    const aggregated = aggregateSeries([
      { steps: [0, 10, 20], values: [1, 3, 5] },
      { steps: [0, 20, 30], values: [3, 7, 9] },
      // Its value at step 10 is not finite: it ends (as far as the average knows) at step 0.
      { steps: [0, 10], values: [5, null] },
    ]);
    expect(aggregated.steps).toEqual([0, 10, 20, 30]);
    expect(aggregated.count).toEqual([3, 2, 2, 1]);
    // Step 10: run 1 has 3, run 2 is interpolated between 3 (step 0) and 7 (step 20) to 5.
    expect(aggregated.mean).toEqual([3, 4, 6, 9]);
    expect(aggregated.min).toEqual([1, 3, 5, 9]);
    expect(aggregated.max).toEqual([5, 5, 7, 9]);
    // Step 0: deviations -2, 0, 2 -> std sqrt(8 / 2) = 2; step 10 and 20: sqrt((1 + 1) / 1).
    expect(aggregated.std[0]).toBeCloseTo(2, 12);
    expect(aggregated.std[1]).toBeCloseTo(Math.SQRT2, 12);
    expect(aggregated.std[3]).toBeNull();
    // CI half-width t(0.975, n-1) * std / sqrt(n): 4.3026527 * 2 / sqrt(3); 12.7062047 * sqrt(2) / sqrt(2).
    expect(aggregated.ci95[0]).toBeCloseTo(4.9682754235, 6);
    expect(aggregated.ci95[1]).toBeCloseTo(12.7062047, 6);
    expect(aggregated.ci95[3]).toBeNull();
  });

  it("does not extrapolate before a run's first step (a resumed or late-logging run)", () => {
    const aggregated = aggregateSeries([
      { steps: [0, 10], values: [1, 2] },
      { steps: [10, 20], values: [4, 6] },
    ]);
    expect(aggregated.count).toEqual([1, 2, 1]);
    expect(aggregated.mean).toEqual([1, 3, 6]);
  });

  it('leaves out steps where no run has a finite value, and handles no series', () => {
    const aggregated = aggregateSeries([{ steps: [0, 1, 2], values: [null, 4, null] }]);
    expect(aggregated.steps).toEqual([1]);
    expect(aggregated.mean).toEqual([4]);
    expect(aggregateSeries([]).steps).toEqual([]);
  });
});

describe('aggregateRows', () => {
  it("gives each figure's mean, std and n over the runs that have it", () => {
    const figures = aggregateRows([
      compareRow({ loss: 1, knnTop1Final: 0.5, steps: 100 }),
      compareRow({ loss: 2, knnTop1Final: null, steps: 100 }),
      compareRow({ loss: null, knnTop1Final: null, steps: 40 }),
    ]);
    expect(figures.loss).toMatchObject({ n: 2, mean: 1.5, min: 1, max: 2 });
    expect(figures.loss!.std).toBeCloseTo(Math.SQRT1_2, 12);
    expect(figures.knnTop1Final).toEqual({ n: 1, mean: 0.5, min: 0.5, max: 0.5, std: null, ci95: null });
    expect(figures.steps!.mean).toBe(80);
    expect(figures.probeTop1).toBeNull();
  });
});
