import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { describeIssues, fieldMessages } from '@shared/validation';

function issuesOf(input: unknown): Record<string, string> {
  const parsed = runConfigSchema.safeParse(input);
  expect(parsed.success, JSON.stringify(input)).toBe(false);
  return parsed.success ? {} : fieldMessages(parsed.error);
}

describe('strict run configurations', () => {
  it("names each misspelled field with the nearest known one, at every level (the issue's example)", () => {
    const fields = issuesOf({
      name: 'typos',
      loss: { name: 'fft-bt', blocksize: 8, lamda: 0.01 },
      optimiser: { name: 'sgd' },
    });
    expect(fields).toEqual({
      'loss.blocksize': 'unknown field; did you mean loss.blockSize?',
      'loss.lamda': 'unknown field; did you mean loss.lambda?',
      optimiser: 'unknown field; did you mean optimizer?',
    });
    const parsed = runConfigSchema.safeParse({ name: 'x', loss: { name: 'fft-bt', blocksize: 8 } });
    expect(parsed.success || describeIssues(parsed.error)).toBe(
      'loss.blocksize: unknown field; did you mean loss.blockSize?',
    );
  });

  it('refuses unknown fields in every object of the schema, and lists the known ones when none is close', () => {
    const objects: [string, Record<string, unknown>][] = [
      ['dataset', { dataset: { source: 'idx', path: '/data', pth: 1 } }],
      ['augmentation', { augmentation: { preset: 'light', cropsize: 8 } }],
      ['model', { model: { backbone: 'mlp', hiddenDim: 8 } }],
      ['optimizer', { optimizer: { learningrate: 0.1 } }],
      ['schedule', { schedule: { warmup: 1 } }],
      ['training', { training: { epoch: 2 } }],
      ['evaluation', { evaluation: { knnk: 5 } }],
      ['checkpoint', { checkpoint: { keeplast: 2 } }],
    ];
    for (const [section, input] of objects) {
      const fields = issuesOf({ name: 'x', ...input });
      const [field, message] = Object.entries(fields)[0]!;
      expect(field.startsWith(`${section}.`), field).toBe(true);
      expect(message).toMatch(/^unknown field; /);
    }
    expect(issuesOf({ name: 'x', model: { backbone: 'mlp', hiddenDim: 8 } })['model.hiddenDim']).toBe(
      'unknown field; known here: backbone, backboneHiddenDim, featureDim, projectorHiddenDim, projectorOutputDim',
    );
    // A field of another loss is unknown to this one.
    expect(issuesOf({ name: 'x', loss: { name: 'bt', blockSize: 8 } })['loss.blockSize']).toBe(
      'unknown field; known here: name, lambda, scale',
    );
  });

  it('reports unknown fields together with the other problems', () => {
    const fields = issuesOf({ name: '', training: { batchSize: 1, batchsize: 2 } });
    expect(Object.keys(fields).sort()).toEqual(['name', 'training.batchSize', 'training.batchsize']);
  });

  it('refuses __proto__ and constructor keys as unknown fields, without touching prototypes', () => {
    const input = JSON.parse(
      '{"name":"x","__proto__":{"polluted":1},"loss":{"name":"bt","__proto__":{"a":1}}}',
    );
    const fields = issuesOf(input);
    expect(Object.keys(fields).sort()).toEqual(['__proto__', 'loss.__proto__']);
    expect(fields.__proto__).toMatch(/^unknown field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(issuesOf({ name: 'x', constructor: 1 }).constructor).toMatch(/^unknown field/);
  });
});

describe('values that were accepted but wrong', () => {
  it('bounds the kNN temperature', () => {
    expect(
      issuesOf({ name: 'x', evaluation: { knnTemperature: 5e-324 } })['evaluation.knnTemperature'],
    ).toMatch(/>=0.001/);
    expect(
      runConfigSchema.parse({ name: 'x', evaluation: { knnTemperature: 0.001 } }).evaluation.knnTemperature,
    ).toBe(0.001);
  });

  it('keeps the final learning rate at most the (batch-scaled) learning rate', () => {
    expect(
      issuesOf({ name: 'x', optimizer: { learningRate: 0.1 }, schedule: { minLearningRate: 0.2 } })[
        'schedule.minLearningRate'
      ],
    ).toBe('Must be at most the learning rate after warm-up (0.05)'); // 0.1 x 128 / 256
    const unscaled = { name: 'x', optimizer: { learningRate: 0.1, scaleByBatch: false } };
    expect(runConfigSchema.safeParse({ ...unscaled, schedule: { minLearningRate: 0.1 } }).success).toBe(true);
    expect(runConfigSchema.safeParse({ ...unscaled, schedule: { minLearningRate: 0.11 } }).success).toBe(
      false,
    );
  });

  it('needs a micro-batch size that divides the batch', () => {
    const micro = (microBatchSize: number) => ({ name: 'x', training: { batchSize: 128, microBatchSize } });
    expect(issuesOf(micro(48))['training.microBatchSize']).toBe(
      'Must divide the batch size (128) into equal micro-batches',
    );
    expect(issuesOf(micro(256))['training.microBatchSize']).toBeDefined();
    expect(runConfigSchema.parse(micro(32)).training.microBatchSize).toBe(32);
  });

  it('refuses lone surrogates, control characters and overlong names and paths', () => {
    expect(issuesOf({ name: 'run \ud800' }).name).toMatch(/lone surrogate/);
    expect(runConfigSchema.parse({ name: 'run \ud83d\ude00' }).name).toBe('run 😀'); // a whole pair is fine
    expect(issuesOf({ name: 'two\nlines' }).name).toMatch(/control character/);
    expect(issuesOf({ name: 'x'.repeat(121) }).name).toBe('At most 120 characters');
    const path = (value: string) =>
      issuesOf({ name: 'x', dataset: { source: 'idx', path: value } })['dataset.path'];
    expect(path('/data/\u0000/etc')).toMatch(/control character/);
    expect(path(`/${'a'.repeat(5000)}`)).toBe('At most 4096 characters');
    expect(path('/data/\udc00')).toMatch(/lone surrogate/);
  });

  it('refuses numbers that only overflow', () => {
    expect(issuesOf({ name: 'x', loss: { name: 'bt', lambda: 1e300 } })['loss.lambda']).toBeDefined();
    expect(issuesOf({ name: 'x', training: { maxSteps: 1e12 } })['training.maxSteps']).toBeDefined();
  });
});
