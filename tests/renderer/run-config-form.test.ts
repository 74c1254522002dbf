import { describe, expect, it } from 'vitest';
import { LOSS_NAMES, runConfigSchema } from '@shared/config/run-config';
import {
  LOSS_NAME_FIELD,
  RUN_SECTION,
  TRAINING_SECTIONS,
  lossParameterFields,
} from '../../src-renderer/domain/run-config-fields';
import {
  defaultFormValues,
  flattenConfig,
  humanizeMessage,
  unflattenValues,
  validateFormValues,
  withLoss,
} from '../../src-renderer/domain/run-config-form';

describe('the New-run form model', () => {
  it('starts from a valid quick run with the schema defaults filled in', () => {
    const values = defaultFormValues(Date.UTC(2025, 5, 12, 14, 32));
    const { config, fields } = validateFormValues(values);
    expect(fields).toEqual({});
    expect(config).toMatchObject({
      loss: { name: 'bt', lambda: 0.0051, scale: 0.024 },
      dataset: { trainLimit: 2048 },
      training: { epochs: 2 },
    });
    expect(values['name']).toMatch(/^bt-\d{4}-\d{4}$/);
  });

  it('flattens to dotted paths and back', () => {
    const config = runConfigSchema.parse({ name: 'x', loss: { name: 'fft-bt', blockSize: 16 } });
    const values = flattenConfig(config);
    expect(values['loss.blockSize']).toBe(16);
    expect(values['model.projectorOutputDim']).toBe(256);
    expect(unflattenValues(values)).toEqual(config);
    expect(unflattenValues({ 'training.maxSteps': undefined, name: 'y' })).toEqual({ name: 'y' });
  });

  it('has a field for every path of every loss variant, and no field without a path in the schema', () => {
    const fieldPaths = new Set(
      [...RUN_SECTION.fields, ...TRAINING_SECTIONS.flatMap((section) => section.fields), LOSS_NAME_FIELD].map(
        (field) => field.path,
      ),
    );
    for (const name of LOSS_NAMES) {
      const paths = new Set([...fieldPaths, ...lossParameterFields(name).map((field) => field.path)]);
      const schemaPaths = Object.keys(
        flattenConfig(runConfigSchema.parse({ name: 'x', loss: { name, blockSize: 8 } })),
      );
      for (const path of schemaPaths.filter((item) => !['dataset.source', 'model.backbone'].includes(item)))
        expect(paths).toContain(path);
      for (const path of paths)
        expect([...schemaPaths, 'dataset.trainLimit', 'training.maxSteps']).toContain(path);
    }
  });

  it('switching the loss replaces its parameters with the new variant defaults', () => {
    const values = withLoss({ ...defaultFormValues(), 'loss.lambda': 0.5 }, 'fft-vicreg');
    expect(values['loss.lambda']).toBeUndefined();
    expect(values['loss.scale']).toBe(1);
    expect(values['loss.q']).toBe(2);
    expect(values['loss.permutation']).toBe('batch');
    expect(validateFormValues(values).fields).toEqual({});
  });

  it('reports one readable message per field', () => {
    const fields = [...RUN_SECTION.fields, ...lossParameterFields('bt')];
    const { config, fields: messages } = validateFormValues(
      {
        ...defaultFormValues(),
        name: ' ',
        'training.epochs': 0,
        'loss.lambda': undefined,
        'loss.scale': -1,
        seed: 1.5,
      },
      fields,
    );
    expect(config).toBeNull();
    expect(messages).toEqual({
      name: 'Give the run a name',
      seed: 'Enter a whole number',
      'loss.lambda': 'Enter a number',
      'loss.scale': 'Must be greater than 0',
      'training.epochs': 'Must be at least 1',
    });
  });

  it('reports the schema cross-field rules on their field', () => {
    expect(validateFormValues({ ...defaultFormValues(), 'dataset.trainLimit': 10 }).fields).toEqual({
      'dataset.trainLimit': 'Use at least one batch (128 images)',
    });
    expect(
      validateFormValues(withLoss({ ...defaultFormValues(), 'model.projectorOutputDim': 32 }, 'fft-bt'))
        .fields,
    ).toEqual({});
    expect(
      validateFormValues({
        ...withLoss({ ...defaultFormValues(), 'model.projectorOutputDim': 32 }, 'fft-bt'),
        'loss.blockSize': 64,
      }).fields,
    ).toEqual({
      'loss.blockSize': 'Block size must be at most the embedding dimension d = 32',
    });
  });

  it('rewords zod bounds', () => {
    expect(humanizeMessage('Too small: expected number to be >0')).toBe('Must be greater than 0');
    expect(humanizeMessage('Too big: expected number to be <=10')).toBe('Must be at most 10');
  });
});
