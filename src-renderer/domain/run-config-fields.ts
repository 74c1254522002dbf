import {
  BACKEND_NAMES,
  LOSS_NAMES,
  btLossSchema,
  fftBtLossSchema,
  fftVicregLossSchema,
  vicregLossSchema,
  type LossName,
} from '@shared/config/run-config';

export type FieldKind = 'text' | 'integer' | 'number' | 'select';

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
  fields: ConfigField[];
}

export const LOSS_LABELS: Record<LossName, string> = {
  bt: 'Barlow Twins',
  vicreg: 'VICReg',
  'fft-bt': 'Barlow Twins, FFT-relaxed',
  'fft-vicreg': 'VICReg, FFT-relaxed',
};

/** The schema of each loss variant: its keys decide which parameter fields are shown. */
export const LOSS_SCHEMAS = {
  bt: btLossSchema,
  vicreg: vicregLossSchema,
  'fft-bt': fftBtLossSchema,
  'fft-vicreg': fftVicregLossSchema,
} satisfies Record<LossName, unknown>;

const choices = (values: readonly (string | number)[]): FieldOption[] =>
  values.map((value) => ({ value, label: String(value) }));

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
  return Object.keys(LOSS_SCHEMAS[name].shape)
    .filter((key) => key !== 'name')
    .map((key) => ({
      path: `loss.${key}`,
      ...(LOSS_PARAMETERS[key] ?? { label: key, kind: 'number' as const }),
    }));
}

export const RUN_SECTION: ConfigSection = {
  id: 'run',
  title: 'Run',
  fields: [
    { path: 'name', label: 'Name', kind: 'text', wide: true, placeholder: 'e.g. bt-baseline' },
    { path: 'seed', label: 'Seed', kind: 'integer' },
    {
      path: 'backend',
      label: 'Backend',
      kind: 'select',
      options: choices(BACKEND_NAMES),
      hint: 'auto picks the fastest available',
    },
  ],
};

/** Sections after the loss, in page order. */
export const TRAINING_SECTIONS: ConfigSection[] = [
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
      },
      {
        path: 'dataset.trainLimit',
        label: 'Training images',
        kind: 'integer',
        optional: true,
        placeholder: 'all',
        hint: 'Use only the first N images of the embedded Fashion-MNIST subset',
      },
    ],
  },
  {
    id: 'optimizer',
    title: 'Optimizer',
    fields: [
      { path: 'optimizer.name', label: 'Optimizer', kind: 'select', options: choices(['adam', 'sgd']) },
      { path: 'optimizer.learningRate', label: 'Learning rate', kind: 'number' },
      { path: 'optimizer.momentum', label: 'Momentum', kind: 'number', hint: 'SGD only' },
    ],
  },
  {
    id: 'model',
    title: 'Model (MLP)',
    fields: [
      { path: 'model.backboneHiddenDim', label: 'Backbone hidden dim', kind: 'integer' },
      { path: 'model.featureDim', label: 'Feature dim', kind: 'integer' },
      { path: 'model.projectorHiddenDim', label: 'Projector hidden dim', kind: 'integer' },
      {
        path: 'model.projectorOutputDim',
        label: 'Embedding dim d',
        kind: 'integer',
        hint: 'Dimension the loss decorrelates',
      },
    ],
  },
];

/** One line under the loss picker. */
export const LOSS_DESCRIPTIONS: Record<LossName, string> = {
  bt: 'Pushes the cross-correlation matrix of the two views towards the identity (Zbontar et al., 2021).',
  vicreg: 'Invariance, variance and covariance terms (Bardes et al., 2022).',
  'fft-bt': 'Barlow Twins with the off-diagonal term summarised by FFT, O(n·d·log d) (Shigeto et al., 2023).',
  'fft-vicreg': 'VICReg with the covariance term summarised by FFT, O(n·d·log d) (Shigeto et al., 2023).',
};
