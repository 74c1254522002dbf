import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '@shared/config/presets';
import {
  BACKBONES,
  DATASET_SOURCES,
  LOSS_NAMES,
  OPTIMIZERS,
  runConfigSchema,
} from '@shared/config/run-config';
import {
  buildSections,
  datasetParameterFields,
  fieldLabels,
  lossParameterFields,
  type FieldKind,
} from '../../src-renderer/domain/run-config-fields';
import {
  configFormValues,
  defaultFormValues,
  flattenConfig,
  humanizeMessage,
  presetFormValues,
  unflattenValues,
  validateFormValues,
  withDataset,
  withLoss,
  changedPaths,
  type FormValues,
} from '../../src-renderer/domain/run-config-form';
import { fieldsOf, NOW, schemaDefaultValues } from './run-config-values';

function section(values: FormValues, id: string): string[] {
  return (buildSections(values).find((item) => item.id === id)?.fields ?? []).map((field) => field.path);
}

interface Leaf {
  path: string;
  kind: FieldKind;
  optional: boolean;
}

/**
 * Every leaf of the run-config schema for one choice of each discriminated union, with the
 * input kind it calls for. Walks the zod schema itself, so a field added to the schema shows
 * up here without anyone listing it.
 */
function schemaLeaves(
  schema: z.ZodType,
  choose: Record<string, string>,
  prefix = '',
  optional = false,
): Leaf[] {
  if (schema instanceof z.ZodOptional)
    return schemaLeaves(schema.unwrap() as z.ZodType, choose, prefix, true);
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault)
    return schemaLeaves(schema.unwrap() as z.ZodType, choose, prefix, optional);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      schemaLeaves(child, choose, prefix ? `${prefix}.${key}` : key, false),
    );
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema._zod.def.discriminator;
    const wanted = choose[prefix ? `${prefix}.${discriminator}` : discriminator];
    const option = (schema.options as z.ZodObject[]).find((item) =>
      (item.shape[discriminator] as z.ZodLiteral).values.has(wanted as never),
    );
    if (!option) throw new Error(`No ${prefix} variant ${wanted}`);
    return schemaLeaves(option, choose, prefix, optional);
  }
  let kind: FieldKind;
  if (schema instanceof z.ZodBoolean) kind = 'boolean';
  else if (schema instanceof z.ZodString) kind = 'text';
  else if (schema instanceof z.ZodNumber) kind = schema.isInt ? 'integer' : 'number';
  else if (schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral || schema instanceof z.ZodUnion)
    kind = 'select';
  else throw new Error(`Unexpected schema at ${prefix}`);
  return [{ path: prefix, kind, optional }];
}

/** Fields that only apply to one choice and are hidden for the others. */
function hiddenByDesign(backbone: string, optimizer: string): string[] {
  return [
    ...(backbone === 'mlp' ? [] : ['model.backboneHiddenDim', 'model.featureDim']),
    ...(optimizer === 'lars' ? [] : ['optimizer.eta', 'optimizer.clipLars']),
  ];
}

describe('the New-run form model', () => {
  it("starts from the README's quickstart recipe, valid for the strict schema", () => {
    const values = defaultFormValues(NOW);
    const { config, fields } = validateFormValues(values, fieldsOf(values));
    expect(fields).toEqual({});
    const { name: _name, ...recipe } = PRESETS.quickstart!.config;
    expect(config).toMatchObject(recipe);
    expect(config).toMatchObject({
      loss: { name: 'fft-bt', blockSize: 8 },
      optimizer: { name: 'adamw', scaleByBatch: false },
    });
    expect(values['name']).toBe('quickstart-0612-1432');
  });

  it('tells what changed since the starting point, the name aside', () => {
    const start = defaultFormValues(NOW);
    expect(changedPaths(start, { ...start, name: 'renamed' })).toEqual([]);
    const edited = withLoss({ ...start, 'training.batchSize': 128 }, 'vicreg');
    expect(changedPaths(start, edited)).toEqual(
      expect.arrayContaining(['training.batchSize', 'loss.name', 'loss.simWeight', 'loss.blockSize']),
    );
  });

  it('flattens to dotted paths and back, booleans included', () => {
    const config = runConfigSchema.parse({ name: 'x', loss: { name: 'fft-bt', blockSize: 16 } });
    const values = flattenConfig(config);
    expect(values['loss.blockSize']).toBe(16);
    expect(values['model.projectorOutputDim']).toBe(512);
    expect(values['optimizer.clipLars']).toBe(true);
    expect(unflattenValues(values)).toEqual(config);
    expect(unflattenValues({ 'training.maxSteps': undefined, name: 'y' })).toEqual({ name: 'y' });
  });

  it('shows one field of the right kind per schema path, for every variant combination', () => {
    const seen = new Set<string>();
    for (const source of DATASET_SOURCES)
      for (const loss of LOSS_NAMES)
        for (const backbone of BACKBONES)
          for (const optimizer of OPTIMIZERS) {
            const choose = {
              'dataset.source': source,
              'loss.name': loss,
              'model.backbone': backbone,
              'optimizer.name': optimizer,
            };
            const leaves = schemaLeaves(runConfigSchema, choose);
            const fields = fieldsOf(choose);
            const byPath = new Map(fields.map((field) => [field.path, field]));
            expect(byPath.size, 'no path twice').toBe(fields.length);
            const leafPaths = new Set(leaves.map((leaf) => leaf.path));
            for (const field of fields)
              expect(leafPaths, `${field.path} is in the schema`).toContain(field.path);
            const hidden = hiddenByDesign(backbone, optimizer);
            for (const leaf of leaves) {
              const field = byPath.get(leaf.path);
              if (hidden.includes(leaf.path)) {
                expect(field, `${leaf.path} hidden with ${backbone}/${optimizer}`).toBeUndefined();
                continue;
              }
              expect(field, `${leaf.path} with ${JSON.stringify(choose)}`).toBeDefined();
              expect(field?.kind, leaf.path).toBe(leaf.kind);
              expect(Boolean(field?.optional), leaf.path).toBe(leaf.optional);
              seen.add(leaf.path);
            }
          }
    // The hidden fields do appear for their own choice.
    for (const path of hiddenByDesign('resnet18', 'sgd')) expect(seen).toContain(path);
  });

  it('switching the loss replaces its parameters with the new variant defaults', () => {
    const values = withLoss({ ...schemaDefaultValues(), 'loss.lambda': 0.5 }, 'fft-vicreg');
    expect(values['loss.lambda']).toBeUndefined();
    expect(values['loss.scale']).toBe(1);
    expect(values['loss.q']).toBe(2);
    expect(values['loss.permutation']).toBe('batch');
    expect(validateFormValues(values).fields).toEqual({});
  });

  it('switching the dataset source swaps its fields for the variant defaults and keeps the image limit', () => {
    const cifar100 = withDataset(schemaDefaultValues(), 'cifar100');
    expect(cifar100).toMatchObject({
      'dataset.source': 'cifar100',
      'dataset.path': '',
      'dataset.labels': 'fine',
      'dataset.trainLimit': 2048,
    });
    expect(section(cifar100, 'data')).toEqual([
      'dataset.source',
      'dataset.path',
      'dataset.labels',
      'dataset.trainLimit',
    ]);
    expect(validateFormValues(cifar100, fieldsOf(cifar100)).fields).toEqual({
      'dataset.path': 'Give the folder that holds the dataset',
    });
    const filled = { ...cifar100, 'dataset.path': 'datasets/cifar-100-binary' };
    expect(validateFormValues(filled, fieldsOf(filled)).config?.dataset).toEqual({
      source: 'cifar100',
      path: 'datasets/cifar-100-binary',
      labels: 'fine',
      trainLimit: 2048,
    });

    const folder = withDataset(filled, 'image-folder');
    expect(folder['dataset.labels']).toBeUndefined();
    expect(folder).toMatchObject({
      'dataset.path': '',
      'dataset.imageSize': 64,
      'dataset.testFraction': 0.1,
    });
    expect(section(folder, 'data')).toEqual([
      'dataset.source',
      'dataset.path',
      'dataset.imageSize',
      'dataset.testFraction',
      'dataset.trainLimit',
    ]);

    const embedded = withDataset({ ...folder, 'dataset.path': '/data/x' }, 'embedded');
    expect(Object.keys(embedded).filter((path) => path.startsWith('dataset.'))).toEqual([
      'dataset.trainLimit',
      'dataset.source',
    ]);
    expect(validateFormValues(embedded, fieldsOf(embedded)).config?.dataset).toEqual({
      source: 'embedded',
      trainLimit: 2048,
    });
  });

  it('asks for a folder only for sources on disk, with a hint on where to get the data', () => {
    expect(datasetParameterFields('embedded').map((field) => field.path)).toEqual(['dataset.trainLimit']);
    for (const source of ['idx', 'cifar10', 'cifar100', 'image-folder'] as const) {
      const path = datasetParameterFields(source).find((field) => field.path === 'dataset.path');
      expect(path).toMatchObject({ kind: 'text', wide: true });
      expect(path?.hint).toMatch(/Relative paths/);
      expect(path?.placeholder).toMatch(/^datasets\//);
    }
    expect(datasetParameterFields('cifar10').find((field) => field.path === 'dataset.path')?.hint).toMatch(
      /download cifar10/,
    );
  });

  it('shows optimizer- and backbone-specific fields only when they apply', () => {
    const values = schemaDefaultValues();
    expect(section(values, 'optimizer')).toEqual([
      'optimizer.name',
      'optimizer.learningRate',
      'optimizer.scaleByBatch',
      'optimizer.momentum',
      'optimizer.weightDecay',
      'optimizer.eta',
      'optimizer.clipLars',
      'optimizer.excludeBiasAndNorm',
    ]);
    const label = (items: FormValues, path: string) =>
      fieldsOf(items).find((field) => field.path === path)?.label;
    expect(label(values, 'optimizer.momentum')).toBe('Momentum');

    const adam: FormValues = { ...values, 'optimizer.name': 'adam' };
    expect(section(adam, 'optimizer')).not.toContain('optimizer.eta');
    expect(section(adam, 'optimizer')).not.toContain('optimizer.clipLars');
    expect(label(adam, 'optimizer.momentum')).toBe('β1 (momentum)');
    expect(label({ ...values, 'optimizer.name': 'adamw' }, 'optimizer.momentum')).toBe('β1 (momentum)');
    expect(label({ ...values, 'optimizer.name': 'sgd' }, 'optimizer.momentum')).toBe('Momentum');
    // Hidden values stay in the form: switching back shows them as they were.
    expect(adam['optimizer.eta']).toBe(0.02);

    expect(section(values, 'model')).toEqual([
      'model.backbone',
      'model.projectorHiddenDim',
      'model.projectorOutputDim',
    ]);
    expect(section({ ...values, 'model.backbone': 'mlp' }, 'model')).toEqual([
      'model.backbone',
      'model.backboneHiddenDim',
      'model.featureDim',
      'model.projectorHiddenDim',
      'model.projectorOutputDim',
    ]);
    expect(section(values, 'evaluation')).toContain('evaluation.probeLearningRate');
    expect(section({ ...values, 'evaluation.onlineProbe': false }, 'evaluation')).not.toContain(
      'evaluation.probeLearningRate',
    );
    // Labels for a stored configuration cover the hidden fields too.
    expect(fieldLabels(values).get('model.featureDim')).toBe('MLP feature dim');
  });

  it('treats booleans as checkboxes, never as missing numbers', () => {
    const values = { ...schemaDefaultValues(), 'optimizer.scaleByBatch': false, 'optimizer.clipLars': false };
    const { config, fields } = validateFormValues(values, fieldsOf(values));
    expect(fields).toEqual({});
    expect(config?.optimizer).toMatchObject({
      scaleByBatch: false,
      clipLars: false,
      excludeBiasAndNorm: true,
    });
    expect(
      fieldsOf(values)
        .filter((field) => field.kind === 'boolean')
        .map((field) => field.path),
    ).toEqual([
      'optimizer.scaleByBatch',
      'optimizer.clipLars',
      'optimizer.excludeBiasAndNorm',
      'evaluation.onlineProbe',
      'checkpoint.keepBest',
      'inspect.enabled',
      'inspect.backbone',
    ]);
  });

  it('hides the snapshot schedule while snapshots are off, and keeps it in the stored view', () => {
    const off = { ...schemaDefaultValues(), 'inspect.enabled': false };
    const paths = fieldsOf(off).map((field) => field.path);
    expect(paths).toContain('inspect.enabled');
    expect(paths).not.toContain('inspect.everyEpochs');
    expect(fieldsOf(schemaDefaultValues()).map((field) => field.path)).toContain('inspect.probeImages');
    const { config, fields } = validateFormValues(off, fieldsOf(off));
    expect(fields).toEqual({});
    expect(config?.inspect).toMatchObject({ enabled: false, everyEpochs: 1, probeImages: 512 });
  });

  it('loads every preset as a valid form under a fresh name', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      const values = presetFormValues(name, NOW);
      expect(values, name).not.toBeNull();
      expect(values?.['name']).toMatch(new RegExp(`^${name}-\\d{4}-\\d{4}$`));
      const { config, fields } = validateFormValues(values!, fieldsOf(values!));
      expect(fields, name).toEqual({});
      const { name: _name, ...rest } = preset.config;
      expect(config, name).toMatchObject(rest);
    }
    expect(presetFormValues('no-such-preset')).toBeNull();
    // A configuration the schema rejects is shown as it is, so its problems sit on their fields.
    expect(configFormValues({ name: 'x', training: { epochs: 0 } })).toEqual({
      name: 'x',
      'training.epochs': 0,
    });
  });

  it('reports one readable message per field', () => {
    const fields = [...buildSections(schemaDefaultValues())[0]!.fields, ...lossParameterFields('bt')];
    const { config, fields: messages } = validateFormValues(
      {
        ...withLoss(schemaDefaultValues(), 'bt'),
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
    expect(validateFormValues({ ...schemaDefaultValues(), 'dataset.trainLimit': 10 }).fields).toEqual({
      'dataset.trainLimit': 'Use at least one batch (128 images)',
    });
    expect(validateFormValues({ ...schemaDefaultValues(), 'schedule.warmupEpochs': 2 }).fields).toEqual({
      'schedule.warmupEpochs': 'The warm-up must be shorter than the run (2 epochs)',
    });
    expect(
      validateFormValues(withLoss({ ...schemaDefaultValues(), 'model.projectorOutputDim': 32 }, 'fft-bt'))
        .fields,
    ).toEqual({});
    expect(
      validateFormValues({
        ...withLoss({ ...schemaDefaultValues(), 'model.projectorOutputDim': 32 }, 'fft-bt'),
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
