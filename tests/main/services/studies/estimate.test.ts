import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import type { CostPoint } from '@shared/cost/types';
import { METRIC } from '@shared/metrics';
import { stepMeasurements } from '@shared/study/measure-plan';
import { parseRunConfig } from '../../../../src-main/services/runs.service';
import { estimateStudy } from '../../../../src-main/services/studies/estimate';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';

const config = (overrides: Partial<RunConfigInput> = {}) =>
  parseRunConfig({
    name: 'r',
    dataset: { source: 'embedded', trainLimit: 1000 },
    model: { backbone: 'small-cnn', projectorOutputDim: 128 },
    training: { epochs: 2, batchSize: 50 },
    loss: { name: 'bt' },
    ...overrides,
  });

/** A completed run with these step times (ms) and this wall time (ms), without training. */
function completedRun(store: RunStore, input: Partial<RunConfigInput>, stepMs: number[], wallMs: number) {
  const run = store.runs.create(config(input));
  store.metrics.append(
    run.id,
    stepMs.map((value, index) => ({
      name: METRIC.stepMs,
      step: index + 1,
      epoch: 1,
      value,
      wallTimeMs: index,
    })),
  );
  const steps = stepMs.length;
  store.runs.setProgress(run.id, {
    step: steps,
    totalSteps: steps,
    epoch: 1,
    totalEpochs: 1,
    trainingMs: wallMs,
  });
  store.runs.setStatus(run.id, { status: 'completed', startedAt: 0, endedAt: wallMs });
  return run.id;
}

describe('a study’s estimated duration from earlier runs', () => {
  const tempDir = useTempDir();
  let store: RunStore | undefined;
  afterEach(() => {
    store?.close();
    store = undefined;
  });

  it('takes the median step time of the same shape times the planned steps, plus the time outside steps', () => {
    store = RunStore.open(join(tempDir(), 'estimate.sqlite'));
    // median 100 ms over 4 steps (400 ms) in a 1400 ms run: 1000 ms outside its steps.
    const same = completedRun(store, {}, [90, 100, 100, 500], 1400);
    completedRun(store, { loss: { name: 'vicreg' } }, [300, 300], 1000);
    // 1000 images / batch 50 = 20 steps per epoch, 2 epochs: 40 steps x 100 ms + 1000 ms.
    const estimate = estimateStudy(store, [config(), config()], 4);
    expect(estimate).toEqual({
      perRunMs: 5000,
      totalMs: 10_000,
      wallMs: 5000,
      source: 'history',
      detail: `step time 100 ms from run ${same} (small-cnn, d 128, batch 50, bt) x 40 steps`,
    });
  });

  it('falls back to the same backbone and d with any loss, scaled by the batch size', () => {
    store = RunStore.open(join(tempDir(), 'fallback.sqlite'));
    const other = completedRun(store, { loss: { name: 'vicreg' } }, [200, 200], 400);
    // batch 100: 10 steps per epoch x 2 = 20 steps at 200 ms x 100/50 = 400 ms.
    const estimate = estimateStudy(store, [config({ training: { epochs: 2, batchSize: 100 } })], 1);
    expect(estimate).toMatchObject({ perRunMs: 8000, source: 'history' });
    expect(estimate.detail).toBe(
      `step time 400 ms from run ${other} (small-cnn, d 128, batch 50, vicreg, scaled to batch 100) x 20 steps`,
    );
  });

  it('says what is missing, and how many runs it could not estimate', () => {
    store = RunStore.open(join(tempDir(), 'missing.sqlite'));
    completedRun(store, {}, [100], 100);
    const wide = config({ model: { backbone: 'small-cnn', projectorOutputDim: 4096 } });
    const folder = config({ dataset: { source: 'image-folder', path: '/data/x' } });
    expect(estimateStudy(store, [wide, folder], 1)).toEqual({
      perRunMs: null,
      totalMs: null,
      wallMs: null,
      source: 'none',
      detail:
        'No estimate: missing a completed run of small-cnn with d 4096 (its step times); the size of the image-folder data (no earlier run on it)',
    });
    const partial = estimateStudy(store, [config(), wide], 1);
    expect(partial.source).toBe('history');
    expect(partial.totalMs).toBe(partial.perRunMs! * 2);
    expect(partial.detail).toMatch(/\(1 of 2 runs at the mean: nothing to estimate them from\)$/);
  });

  it('without history, reads the whole-step time a quick measurement (a cost study) stored', () => {
    store = RunStore.open(join(tempDir(), 'measured.sqlite'));
    const runs = [config(), config({ loss: { name: 'fft-bt' } })];
    const [settings] = stepMeasurements(runs, 'grid');
    expect(settings).toMatchObject({ losses: ['bt', 'fft-bt'], dims: [128], n: 50, blockSizes: ['d'] });
    const point = (loss: 'bt' | 'fft-bt', medianMs: number, blockSize: number | null): CostPoint => ({
      kind: 'step',
      loss,
      blockSize,
      d: 128,
      n: 50,
      status: 'ok',
      medianMs,
      minMs: medianMs,
      maxMs: medianMs,
      peakBytes: null,
      repeats: 3,
      message: null,
    });
    const progress = { done: 2, total: 2, current: null };
    const study = store.cost.create(
      { name: 'm', status: 'completed', source: 'study', settings: settings!, progress },
      [
        point('bt', 30, null),
        point('fft-bt', 20, 128),
        // A loss-only point of the same shape is not a step time.
        { ...point('fft-bt', 1, 128), kind: 'loss' },
      ],
    );
    // 40 steps: bt 1200 ms, fft-bt 800 ms; mean 1000 ms per run.
    const estimate = estimateStudy(store, runs, 2);
    expect(estimate).toMatchObject({ perRunMs: 1000, totalMs: 2000, wallMs: 1000, source: 'measured' });
    expect(estimate.detail).toContain(`step time 30 ms measured by cost study ${study.id}`);
    // A run of history wins over the measurement.
    completedRun(store, {}, [100], 100);
    expect(estimateStudy(store, [config()], 1).source).toBe('history');
  });
});
