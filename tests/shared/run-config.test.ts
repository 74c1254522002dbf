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
      loss: { name: 'bt', lambda: 0.0051, scale: 0.024 },
      training: { epochs: 1, batchSize: 128 },
    });
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
      issuesOf({ name: 'x', dataset: { trainLimit: 10 }, training: { batchSize: 64 } })['dataset.trainLimit'],
    ).toMatch(/at least one batch/);
  });

  it('accepts every preset', () => {
    for (const preset of Object.values(PRESETS))
      expect(runConfigSchema.safeParse(preset.config).success).toBe(true);
  });
});
