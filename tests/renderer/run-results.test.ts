import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '@shared/metrics';
import {
  formatGain,
  knnAccuracy,
  latestKnnTop1,
  otherResults,
  runLoss,
} from '../../src-renderer/domain/run-results';
import { summary } from './fixtures';

describe('kNN accuracy of a run', () => {
  it('reads initial and final from the results, with the gain', () => {
    const results = { initialKnnTop1: 0.41, finalKnnTop1: 0.68, initialKnnTop5: 0.8, finalKnnTop5: 0.95 };
    expect(knnAccuracy(results)).toEqual({
      initial: 0.41,
      latest: 0.68,
      isFinal: true,
      gain: expect.closeTo(0.27),
    });
    expect(knnAccuracy(results, [], 5)).toMatchObject({ initial: 0.8, latest: 0.95, isFinal: true });
    expect(formatGain(0.27)).toBe('+27 pp');
    expect(formatGain(-0.0123)).toBe('−1.2 pp');
  });

  it('falls back to the knn series while the run trains', () => {
    const series = [
      { name: 'loss', steps: [1, 2], values: [3, 2] },
      { name: 'knn/top1', steps: [0], values: [0.4] },
    ];
    expect(knnAccuracy({}, series)).toEqual({ initial: 0.4, isFinal: false });
    const later = [{ name: 'knn/top1', steps: [0, 16], values: [0.4, 0.5] }];
    expect(knnAccuracy({}, later)).toEqual({
      initial: 0.4,
      latest: 0.5,
      isFinal: false,
      gain: expect.closeTo(0.1),
    });
    // Results win over the series.
    expect(knnAccuracy({ initialKnnTop1: 0.41, finalKnnTop1: 0.7 }, later)).toMatchObject({
      initial: 0.41,
      latest: 0.7,
      isFinal: true,
    });
    expect(knnAccuracy({}, [])).toBeNull();
    expect(knnAccuracy({ loss: 1 }, [], 5)).toBeNull();
  });

  it('gives the runs list the final accuracy, else the latest known', () => {
    expect(latestKnnTop1({ initialKnnTop1: 0.4, finalKnnTop1: 0.7 })).toEqual({
      value: 0.7,
      isFinal: true,
      isInitial: false,
    });
    expect(latestKnnTop1({ initialKnnTop1: 0.4 })).toEqual({ value: 0.4, isFinal: false, isInitial: true });
    // While a run trains, the backend keeps the latest measurement under `latestKnnTop1`.
    expect(latestKnnTop1({ initialKnnTop1: 0.4, latestKnnTop1: 0.55 })).toEqual({
      value: 0.55,
      isFinal: false,
      isInitial: false,
    });
    expect(latestKnnTop1({ loss: 2 })).toBeNull();
  });

  it('labels the other results and leaves the accuracies, loss, steps and time to their own place', () => {
    // The loss (final or latest), the steps (progress) and the training time summed over all
    // segments are shown from fresher sources; `durationMs` is only the last worker's segment.
    expect(
      otherResults({
        initialKnnTop1: 0.4,
        finalKnnTop1: 0.7,
        finalKnnTop5: 0.9,
        loss: 1.5,
        steps: 32,
        durationMs: 65_000,
        finalProbeTop1: 0.55,
        someOtherMs: 2000,
      }),
    ).toEqual([
      { name: 'finalProbeTop1', label: 'Online probe top-1', value: '55%' },
      { name: 'someOtherMs', label: 'Some other', value: '2s' },
    ]);
  });
});

describe('the loss shown for a run', () => {
  const lossSeries: MetricSeries = { name: 'loss', steps: [1, 2, 3], values: [3, 2.5, 2.25] };
  const progress = { step: 3, totalSteps: 10, epoch: 1, totalEpochs: 1, loss: 2.4 };

  it('is final only once the run completed', () => {
    const completed = summary({ id: 1, status: 'completed', results: { loss: 1.5 }, progress });
    expect(runLoss(completed)).toEqual({ value: 1.5, isFinal: true, step: 3 });
  });

  it('is the latest while training, from the series, else the progress report', () => {
    const running = summary({ id: 1, status: 'running', results: { loss: 9 }, progress });
    expect(runLoss(running, [lossSeries])).toEqual({ value: 2.25, isFinal: false, step: 3 });
    expect(runLoss(running)).toEqual({ value: 2.4, isFinal: false, step: 3 });
  });

  it('a stopped run keeps what it stored as its latest, never as final', () => {
    const stopped = summary({ id: 1, status: 'stopped', results: { loss: 1.75 } });
    expect(runLoss(stopped)).toEqual({ value: 1.75, isFinal: false });
    expect(runLoss(summary({ id: 2, status: 'created' }))).toBeNull();
  });
});
