import {
  autoAugmentationPreset,
  FAMILY_CIFAR_PRESET,
  lossFamily,
  SOURCE_CHANNELS,
} from '@shared/config/augmentation-rule';
import {
  AUGMENTATION_PRESETS,
  BACKBONES,
  BACKEND_NAMES,
  DATASET_SOURCES,
  LOSS_NAMES,
  OPTIMIZERS,
  runConfigSchema,
} from '@shared/config/run-config';
import { formatMetric } from './format';
import {
  effectiveLearningRate,
  REFERENCE_BATCH_SIZE,
  type FormValue,
  type FormValues,
} from './run-config-form';
import {
  DATASET_SCHEMAS,
  LOSS_SCHEMAS,
  isAugmentationPreset,
  isBackbone,
  isDatasetSource,
  isLossName,
  isOptimizerName,
  variantKeys,
  type AugmentationPresetName,
  type BackboneName,
  type DatasetSource,
  type LossName,
  type OptimizerName,
} from './run-config-variants';

export type FieldKind = 'text' | 'integer' | 'number' | 'select' | 'boolean';

export interface FieldOption {
  value: string | number;
  label: string;
}

/** One input of the New-run form. */
export interface ConfigField {
  /** Dotted config path; also the input's `name` attribute. */
  path: string;
  label: string;
  kind: FieldKind;
  /** May be left empty: the schema has no default and leaving it out means "not set". */
  optional?: boolean;
  options?: readonly FieldOption[];
  hint?: string;
  placeholder?: string;
  /** Spans the whole row of its section. */
  wide?: boolean;
}

export interface ConfigSection {
  id: string;
  title: string;
  /** One line under the title, e.g. what the chosen variant is. */
  intro?: string;
  fields: ConfigField[];
}

const choices = (values: readonly (string | number)[]): FieldOption[] =>
  values.map((value) => ({ value, label: String(value) }));

const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>): FieldOption[] =>
  values.map((value) => ({ value, label: labels[value] }));

// ---------------------------------------------------------------------------------------------
// Data

export const DATASET_LABELS: Record<DatasetSource, string> = {
  embedded: 'Embedded Fashion-MNIST subset',
  idx: 'IDX folder (MNIST layout)',
  cifar10: 'CIFAR-10 (binary version)',
  cifar100: 'CIFAR-100 (binary version)',
  'image-folder': 'Image folder (one sub-folder per class)',
};

export const DATASET_DESCRIPTIONS: Record<DatasetSource, string> = {
  embedded:
    'Shipped with the workbench: 10,000 training and 2,000 held-out 28×28 grayscale images, 10 classes. Nothing to download.',
  idx: 'An MNIST-layout folder of IDX files (gzip or raw), e.g. Fashion-MNIST or MNIST: 28×28 grayscale.',
  cifar10: 'CIFAR-10: 50,000 training and 10,000 test 32×32 colour images, 10 classes.',
  cifar100: 'CIFAR-100: 50,000 training and 10,000 test 32×32 colour images, 100 fine or 20 coarse classes.',
  'image-folder':
    'PNG/JPEG images, one sub-folder per class; train/ and test/ (or val/) splits when present, else a held-out share.',
};

const RELATIVE_PATHS = 'Relative paths start in the folder the workbench was started from.';

const DATASET_PATHS: Record<Exclude<DatasetSource, 'embedded'>, { placeholder: string; hint: string }> = {
  idx: {
    placeholder: 'datasets/fashion-mnist',
    hint: `Folder with the train-/t10k- image and label files; \`npm run cli -- download fashion-mnist\` fetches Fashion-MNIST. ${RELATIVE_PATHS}`,
  },
  cifar10: {
    placeholder: 'datasets/cifar-10-batches-bin',
    hint: `Folder with data_batch_1…5.bin and test_batch.bin; \`npm run cli -- download cifar10\` fetches it. ${RELATIVE_PATHS}`,
  },
  cifar100: {
    placeholder: 'datasets/cifar-100-binary',
    hint: `Folder with train.bin and test.bin. ${RELATIVE_PATHS}`,
  },
  'image-folder': {
    placeholder: 'datasets/imagenet-100',
    hint: `Folder of class sub-folders, or of train/ and test/ (or val/) holding them. ${RELATIVE_PATHS}`,
  },
};

function datasetParameterField(source: DatasetSource, key: string): ConfigField {
  const path = `dataset.${key}`;
  switch (key) {
    case 'path': {
      const paths = source === 'embedded' ? undefined : DATASET_PATHS[source];
      return { path, label: 'Folder', kind: 'text', wide: true, ...paths };
    }
    case 'labels':
      return {
        path,
        label: 'Labels',
        kind: 'select',
        options: [
          { value: 'fine', label: 'fine (100 classes)' },
          { value: 'coarse', label: 'coarse (20 superclasses)' },
        ],
        hint: 'Classes of the kNN evaluation',
      };
    case 'imageSize':
      return { path, label: 'Image size (px)', kind: 'integer', hint: 'Images are resized to this square' };
    case 'testFraction':
      return {
        path,
        label: 'Held-out share',
        kind: 'number',
        hint: 'Used when the folder has no test/ or val/ split',
      };
    case 'trainLimit':
      return {
        path,
        label: 'Training images',
        kind: 'integer',
        optional: true,
        placeholder: 'all',
        hint: 'Use only the first N training images',
      };
    default:
      return { path, label: key, kind: 'number' };
  }
}

export const DATASET_SOURCE_FIELD: ConfigField = {
  path: 'dataset.source',
  label: 'Source',
  kind: 'select',
  options: labelled(DATASET_SOURCES, DATASET_LABELS),
  wide: true,
};

/** The fields of one dataset source after the source picker, in schema order. */
export function datasetParameterFields(source: DatasetSource): ConfigField[] {
  return variantKeys(DATASET_SCHEMAS[source].shape, 'source').map((key) =>
    datasetParameterField(source, key),
  );
}

// ---------------------------------------------------------------------------------------------
// Augmentation

export const AUGMENTATION_LABELS: Record<AugmentationPresetName, string> = {
  auto: 'auto — chosen for the data and loss',
  'bt-cifar': 'bt-cifar — Barlow Twins on CIFAR',
  'vicreg-cifar': 'vicreg-cifar — VICReg on CIFAR',
  'bt-imagenet': 'bt-imagenet — Barlow Twins on ImageNet',
  'vicreg-imagenet': 'vicreg-imagenet — VICReg on ImageNet',
  light: 'light — small grayscale images',
  none: 'none — no augmentation',
};

export const AUGMENTATION_DESCRIPTIONS: Record<AugmentationPresetName, string> = {
  auto: 'light for grayscale images, else the CIFAR preset of the loss family (bt-cifar or vicreg-cifar).',
  'bt-cifar':
    'solo-learn: asymmetric views, crop 0.08–1, colour jitter p 0.8, grayscale 0.2, solarize 0 / 0.2.',
  'vicreg-cifar':
    'solo-learn: symmetric views, crop 0.2–1, colour jitter p 0.8, grayscale 0.2, solarize 0.1.',
  'bt-imagenet': 'Paper: asymmetric, 224 crop from 0.08–1, blur 1.0 / 0.1, solarize 0 / 0.2.',
  'vicreg-imagenet': 'Paper: symmetric, 224 crop from 0.2–1, blur 0.5, solarize 0.1.',
  light: 'Crop 0.35–1, horizontal flip, brightness/contrast jitter; for 28×28 grayscale images.',
  none: 'Both views are the image itself (a baseline: the loss can only decorrelate).',
};

/** What `auto` picks (the shared rule), or the rule itself where the source's channels are not known yet. */
export function autoAugmentation(source: DatasetSource, lossName: LossName): string {
  const channels = SOURCE_CHANNELS[source];
  if (channels !== undefined) return autoAugmentationPreset(channels, lossName);
  return `light for grayscale images, else ${FAMILY_CIFAR_PRESET[lossFamily(lossName)]}`;
}

/** The hint under the augmentation preset: what it does, and for `auto` what it picks here. */
export function augmentationHint(
  preset: AugmentationPresetName,
  source: DatasetSource,
  lossName: LossName,
): string {
  if (preset !== 'auto') return AUGMENTATION_DESCRIPTIONS[preset];
  const channels = SOURCE_CHANNELS[source];
  if (channels === undefined) return `Picks ${autoAugmentation(source, lossName)}.`;
  const picked = autoAugmentationPreset(channels, lossName);
  if (picked === 'light') return `Picks light here (grayscale images): ${AUGMENTATION_DESCRIPTIONS.light}`;
  const family = lossFamily(lossName) === 'bt' ? 'Barlow Twins' : 'VICReg';
  return `Picks ${picked} here (colour images, ${family} family): ${AUGMENTATION_DESCRIPTIONS[picked]}`;
}

// ---------------------------------------------------------------------------------------------
// Model

export const BACKBONE_LABELS: Record<BackboneName, string> = {
  mlp: 'mlp — two dense layers',
  'small-cnn': 'small-cnn — three conv blocks',
  'resnet18-cifar': 'resnet18-cifar — ResNet-18, CIFAR stem',
  resnet18: 'resnet18 — ResNet-18, ImageNet stem',
  resnet50: 'resnet50 — ResNet-50, ImageNet stem',
};

export const BACKBONE_DESCRIPTIONS: Record<BackboneName, string> = {
  mlp: 'Flatten, then two Linear-ReLU layers; tiny and fast, for 28×28 images.',
  'small-cnn':
    'Conv3×3-BN-ReLU blocks 32-64-128 with pooling, 128 features (93k parameters); for small images.',
  'resnet18-cifar': '3×3 stem without max-pool, for 32×32 images; 512 features (11.2M parameters).',
  resnet18: '7×7 stem with max-pool, for 224×224 images; 512 features (11.2M parameters). GPU advised.',
  resnet50: 'Bottleneck blocks, 2048 features (23.5M parameters). Needs a GPU.',
};

// ---------------------------------------------------------------------------------------------
// Loss

export const LOSS_LABELS: Record<LossName, string> = {
  bt: 'Barlow Twins',
  vicreg: 'VICReg',
  'fft-bt': 'Barlow Twins, FFT-relaxed',
  'fft-vicreg': 'VICReg, FFT-relaxed',
};

/** One line under the loss picker. */
export const LOSS_DESCRIPTIONS: Record<LossName, string> = {
  bt: 'Pushes the cross-correlation matrix of the two views towards the identity (Zbontar et al., 2021).',
  vicreg: 'Invariance, variance and covariance terms (Bardes et al., 2022).',
  'fft-bt': 'Barlow Twins with the off-diagonal term summarised by FFT, O(n·d·log d) (Shigeto et al., 2023).',
  'fft-vicreg': 'VICReg with the covariance term summarised by FFT, O(n·d·log d) (Shigeto et al., 2023).',
};

/** Labels of loss parameters; a parameter missing here still gets a plain number field. */
const LOSS_PARAMETERS: Record<string, Omit<ConfigField, 'path'>> = {
  lambda: {
    label: 'λ (off-diagonal weight)',
    kind: 'number',
    hint: 'Weight of the redundancy-reduction term',
  },
  scale: { label: 'Scale', kind: 'number', hint: 'Multiplies the whole loss' },
  simWeight: { label: 'Invariance weight', kind: 'number' },
  varWeight: { label: 'Variance weight', kind: 'number' },
  covWeight: { label: 'Covariance weight', kind: 'number' },
  q: { label: 'Exponent q', kind: 'select', options: choices([2, 1]), hint: 'Penalty on the spectral terms' },
  blockSize: {
    label: 'Block size b',
    kind: 'integer',
    optional: true,
    placeholder: 'd (one block)',
    hint: 'Feature grouping; empty = embedding dimension',
  },
  permutation: { label: 'Feature permutation', kind: 'select', options: choices(['batch', 'none']) },
};

export const LOSS_NAME_FIELD: ConfigField = {
  path: 'loss.name',
  label: 'Loss',
  kind: 'select',
  options: LOSS_NAMES.map((name) => ({ value: name, label: `${LOSS_LABELS[name]} (${name})` })),
  wide: true,
};

/** The parameter fields of one loss variant, in schema order. */
export function lossParameterFields(name: LossName): ConfigField[] {
  return variantKeys(LOSS_SCHEMAS[name].shape, 'name').map((key) => ({
    path: `loss.${key}`,
    ...(LOSS_PARAMETERS[key] ?? { label: key, kind: 'number' as const }),
  }));
}

// ---------------------------------------------------------------------------------------------
// Optimizer

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  lars: 'LARS',
  sgd: 'SGD',
  adamw: 'AdamW',
  adam: 'Adam',
};

export const OPTIMIZER_DESCRIPTIONS: Record<OptimizerName, string> = {
  lars: 'Momentum SGD with a layer-wise trust ratio, as solo-learn trains BT and VICReg.',
  sgd: 'Momentum SGD, L2 weight decay.',
  adamw: 'Adam with decoupled weight decay.',
  adam: 'Adam, weight decay as L2 in the gradient.',
};

/** The hint under the learning rate: the rate the schedule actually reaches. */
export function learningRateHint(values: FormValues): string {
  const effective = effectiveLearningRate(values);
  if (values['optimizer.scaleByBatch'] === false)
    return effective === undefined ? 'Used as given' : `Used as given: ${formatMetric(effective)}`;
  if (effective === undefined) return `Scaled by batch / ${REFERENCE_BATCH_SIZE}`;
  const rate = values['optimizer.learningRate'] as number;
  const batch = values['training.batchSize'] as number;
  return `Effective ${formatMetric(effective)} = ${formatMetric(rate)} × ${batch} / ${REFERENCE_BATCH_SIZE}`;
}

// ---------------------------------------------------------------------------------------------
// Sections

/** The schema's defaults: what the form assumes while a discriminating value is not valid. */
const DEFAULTS = runConfigSchema.parse({ name: 'defaults' });

export interface BuildSectionsOptions {
  /**
   * Include fields that only apply to other choices (the MLP backbone's widths, LARS's
   * settings), e.g. to label every path of a stored configuration. Default false.
   */
  all?: boolean;
}

function pick<T>(value: FormValue, guard: (value: unknown) => value is T, fallback: T): T {
  return guard(value) ? value : fallback;
}

/**
 * The New-run form's sections for the current values, in page order. Variant pickers (data
 * source, loss) bring their variant's fields; fields that only matter for one choice (MLP
 * widths, LARS settings) appear with it; hints that depend on other values (the effective
 * learning rate, what `auto` augmentation picks) are worked out here.
 */
export function buildSections(
  values: FormValues,
  { all = false }: BuildSectionsOptions = {},
): ConfigSection[] {
  const source = pick(values['dataset.source'], isDatasetSource, DEFAULTS.dataset.source);
  const lossName = pick(values['loss.name'], isLossName, DEFAULTS.loss.name);
  const backbone = pick(values['model.backbone'], isBackbone, DEFAULTS.model.backbone);
  const optimizer = pick(values['optimizer.name'], isOptimizerName, DEFAULTS.optimizer.name);
  const augmentation = pick(
    values['augmentation.preset'],
    isAugmentationPreset,
    DEFAULTS.augmentation.preset,
  );
  const isAdam = optimizer === 'adam' || optimizer === 'adamw';
  const imagenetCrop = augmentation === 'bt-imagenet' || augmentation === 'vicreg-imagenet';

  return [
    {
      id: 'run',
      title: 'Run',
      fields: [
        { path: 'name', label: 'Name', kind: 'text', wide: true, placeholder: 'e.g. bt-baseline' },
        { path: 'seed', label: 'Seed', kind: 'integer', hint: 'Weights, data order and augmentation' },
        {
          path: 'backend',
          label: 'Backend',
          kind: 'select',
          options: choices(BACKEND_NAMES),
          hint: 'auto picks the fastest available',
        },
      ],
    },
    {
      id: 'data',
      title: 'Data',
      intro: DATASET_DESCRIPTIONS[source],
      fields: [DATASET_SOURCE_FIELD, ...datasetParameterFields(source)],
    },
    {
      id: 'augmentation',
      title: 'Augmentation',
      fields: [
        {
          path: 'augmentation.preset',
          label: 'Preset',
          kind: 'select',
          wide: true,
          options: labelled(AUGMENTATION_PRESETS, AUGMENTATION_LABELS),
          hint: augmentationHint(augmentation, source, lossName),
        },
        {
          path: 'augmentation.cropSize',
          label: 'Crop size (px)',
          kind: 'integer',
          optional: true,
          placeholder: imagenetCrop ? '224 (preset)' : 'image size',
          hint: 'Side of the random resized crop the model sees',
        },
      ],
    },
    {
      id: 'model',
      title: 'Model',
      fields: [
        {
          path: 'model.backbone',
          label: 'Backbone',
          kind: 'select',
          wide: true,
          options: labelled(BACKBONES, BACKBONE_LABELS),
          hint: BACKBONE_DESCRIPTIONS[backbone],
        },
        ...(all || backbone === 'mlp'
          ? [
              { path: 'model.backboneHiddenDim', label: 'MLP hidden dim', kind: 'integer' as const },
              {
                path: 'model.featureDim',
                label: 'MLP feature dim',
                kind: 'integer' as const,
                hint: 'Width of the features kNN evaluates',
              },
            ]
          : []),
        { path: 'model.projectorHiddenDim', label: 'Projector hidden dim', kind: 'integer' },
        {
          path: 'model.projectorOutputDim',
          label: 'Embedding dim d',
          kind: 'integer',
          hint: 'Dimension the loss decorrelates',
        },
      ],
    },
    {
      id: 'loss',
      title: 'Loss',
      intro: LOSS_DESCRIPTIONS[lossName],
      fields: [LOSS_NAME_FIELD, ...lossParameterFields(lossName)],
    },
    {
      id: 'optimizer',
      title: 'Optimizer',
      fields: [
        {
          path: 'optimizer.name',
          label: 'Optimizer',
          kind: 'select',
          wide: true,
          options: labelled(OPTIMIZERS, OPTIMIZER_LABELS),
          hint: OPTIMIZER_DESCRIPTIONS[optimizer],
        },
        {
          path: 'optimizer.learningRate',
          label: 'Base learning rate',
          kind: 'number',
          hint: learningRateHint(values),
        },
        {
          path: 'optimizer.scaleByBatch',
          label: `Scale by batch / ${REFERENCE_BATCH_SIZE}`,
          kind: 'boolean',
          hint: 'Linear scaling rule (solo-learn)',
        },
        isAdam
          ? {
              path: 'optimizer.momentum',
              label: 'β1 (momentum)',
              kind: 'number',
              hint: "Decay of Adam's first moment",
            }
          : { path: 'optimizer.momentum', label: 'Momentum', kind: 'number' },
        { path: 'optimizer.weightDecay', label: 'Weight decay', kind: 'number' },
        ...(all || optimizer === 'lars'
          ? [
              {
                path: 'optimizer.eta',
                label: 'LARS trust coefficient η',
                kind: 'number' as const,
              },
              {
                path: 'optimizer.clipLars',
                label: 'Clip LARS rate',
                kind: 'boolean' as const,
                hint: 'The adaptive rate never exceeds the global one',
              },
            ]
          : []),
        {
          path: 'optimizer.excludeBiasAndNorm',
          label: 'Exclude biases and norms',
          kind: 'boolean',
          hint:
            optimizer === 'lars'
              ? 'No weight decay and no LARS adaptation for them'
              : 'No weight decay for biases and normalisation weights',
        },
      ],
    },
    {
      id: 'schedule',
      title: 'Schedule',
      intro: 'Linear warm-up, then cosine decay to the minimum rate.',
      fields: [
        { path: 'schedule.warmupEpochs', label: 'Warm-up epochs', kind: 'number' },
        { path: 'schedule.warmupStartLearningRate', label: 'Warm-up start rate', kind: 'number' },
        {
          path: 'schedule.minLearningRate',
          label: 'Minimum rate',
          kind: 'number',
          hint: 'Reached at the end',
        },
      ],
    },
    {
      id: 'training',
      title: 'Training',
      fields: [
        { path: 'training.epochs', label: 'Epochs', kind: 'integer' },
        { path: 'training.batchSize', label: 'Batch size', kind: 'integer' },
        {
          path: 'training.maxSteps',
          label: 'Max steps',
          kind: 'integer',
          optional: true,
          placeholder: 'no limit',
          hint: 'Stop early even if epochs remain',
        },
        {
          path: 'training.microBatchSize',
          label: 'Micro-batch size',
          kind: 'integer',
          optional: true,
          placeholder: 'whole batch',
          hint: 'Exact gradients a few images at a time, for batches beyond memory (batch-norm sees micro-batches)',
        },
      ],
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      intro:
        'Weighted kNN on backbone features (cosine), at initialisation and at the end; an online linear probe can train alongside.',
      fields: [
        { path: 'evaluation.knnK', label: 'Neighbours k', kind: 'integer' },
        { path: 'evaluation.knnTemperature', label: 'Temperature', kind: 'number' },
        {
          path: 'evaluation.everyEpochs',
          label: 'Every N epochs',
          kind: 'integer',
          hint: '0 = only at the start and the end',
        },
        {
          path: 'evaluation.bankLimit',
          label: 'Bank images',
          kind: 'integer',
          optional: true,
          placeholder: 'all',
          hint: 'Training images the neighbours come from',
        },
        {
          path: 'evaluation.testLimit',
          label: 'Test images',
          kind: 'integer',
          optional: true,
          placeholder: 'all',
          hint: 'Held-out images classified',
        },
        {
          path: 'evaluation.onlineProbe',
          label: 'Online linear probe',
          kind: 'boolean',
          hint: 'On detached backbone features (solo-learn)',
        },
        ...(all || values['evaluation.onlineProbe'] !== false
          ? [{ path: 'evaluation.probeLearningRate', label: 'Probe learning rate', kind: 'number' as const }]
          : []),
      ],
    },
    {
      id: 'checkpoint',
      title: 'Checkpoints',
      intro: 'Also saved at the end and when the run is stopped.',
      fields: [
        {
          path: 'checkpoint.everyEpochs',
          label: 'Every N epochs',
          kind: 'integer',
          hint: '0 = not by epochs',
        },
        {
          path: 'checkpoint.everySteps',
          label: 'Every N steps',
          kind: 'integer',
          hint: '0 = off; for long epochs',
        },
        { path: 'checkpoint.keepLast', label: 'Keep newest N', kind: 'integer' },
        {
          path: 'checkpoint.keepBest',
          label: 'Keep the best kNN top-1',
          kind: 'boolean',
        },
      ],
    },
  ];
}

/** Labels of every path a configuration may hold, for showing a stored configuration. */
export function fieldLabels(values: FormValues): Map<string, string> {
  return new Map(
    buildSections(values, { all: true })
      .flatMap((section) => section.fields)
      .map((field) => [field.path, field.label]),
  );
}
