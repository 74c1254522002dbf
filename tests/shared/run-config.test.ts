import { describe, expect, it } from 'vitest';
import { PRESETS } from '@shared/config/presets';
import { runConfigSchema } from '@shared/config/run-config';
import { fieldMessages } from '@shared/validation';

function issuesOf(input: unknown): Record<string, string> {
  const parsed = runConfigSchema.safeParse(input);
  expect(parsed.success).toBe(false);
  return parsed.success ? {} : fieldMessages(parsed.error);
}

describe('run configuration schema', () => {
  it('fills every default from a name alone', () => {
    const config = runConfigSchema.parse({ name: ' minimal ' });
    expect(config).toMatchObject({
      name: 'minimal',
      seed: 0,
      backend: 'auto',
      dataset: { source: 'embedded' },
      augmentation: { preset: 'auto' },
      model: { backbone: 'small-cnn', projectorOutputDim: 512 },
      loss: { name: 'fft-bt', lambda: 0.0051, scale: 0.024, q: 2, permutation: 'batch' },
      optimizer: { name: 'lars', learningRate: 0.3, scaleByBatch: true, eta: 0.02, clipLars: true },
      schedule: { warmupEpochs: 1, warmupStartLearningRate: 3e-5, minLearningRate: 0 },
      training: { epochs: 10, batchSize: 128 },
      evaluation: { knnK: 20, knnTemperature: 0.07, everyEpochs: 0 },
    });
    expect(config.loss).not.toHaveProperty('blockSize'); // b = d unless given
  });

  it('gives the FFT losses the spec defaults', () => {
    const config = runConfigSchema.parse({ name: 'x', loss: { name: 'fft-vicreg' } });
    expect(config.loss).toEqual({
      name: 'fft-vicreg',
      simWeight: 25,
      varWeight: 25,
      covWeight: 1,
      scale: 1,
      q: 2,
      permutation: 'batch',
    });
  });

  it('names each offending field', () => {
    const fields = issuesOf({
      name: '',
      seed: -1,
      loss: { name: 'fft-bt', q: 3, lambda: -1 },
      training: { batchSize: 1 },
    });
    expect(Object.keys(fields).sort()).toEqual([
      'loss.lambda',
      'loss.q',
      'name',
      'seed',
      'training.batchSize',
    ]);
    expect(fields['loss.q']).toBe('q must be 1 or 2');
    expect(fields.name).toBe('Give the run a name');
  });

  it('rejects a block size larger than the embedding dimension', () => {
    const fields = issuesOf({
      name: 'x',
      model: { projectorOutputDim: 64 },
      loss: { name: 'fft-bt', blockSize: 65 },
    });
    expect(fields['loss.blockSize']).toMatch(/at most the embedding dimension d = 64/);
  });

  it('rejects an unknown loss and a training subset smaller than one batch', () => {
    expect(Object.keys(issuesOf({ name: 'x', loss: { name: 'simclr' } }))).toEqual(['loss.name']);
    expect(
      issuesOf({ name: 'x', dataset: { source: 'embedded', trainLimit: 10 }, training: { batchSize: 64 } })[
        'dataset.trainLimit'
      ],
    ).toMatch(/at least one batch/);
  });

  it('requires a path for datasets on disk and keeps the warm-up shorter than the run', () => {
    expect(issuesOf({ name: 'x', dataset: { source: 'cifar10' } })['dataset.path']).toBeDefined();
    expect(issuesOf({ name: 'x', dataset: { source: 'webdataset' } })['dataset.source']).toBeDefined();
    const parsed = runConfigSchema.parse({
      name: 'x',
      dataset: { source: 'image-folder', path: '/data/flowers' },
    });
    expect(parsed.dataset).toEqual({
      source: 'image-folder',
      path: '/data/flowers',
      imageSize: 64,
      testFraction: 0.1,
    });
    expect(
      issuesOf({ name: 'x', training: { epochs: 5 }, schedule: { warmupEpochs: 5 } })[
        'schedule.warmupEpochs'
      ],
    ).toMatch(/shorter than the run/);
  });

  it('accepts every preset', () => {
    for (const preset of Object.values(PRESETS))
      expect(runConfigSchema.safeParse(preset.config).success).toBe(true);
  });
});
