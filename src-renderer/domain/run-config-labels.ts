import {
  type AugmentationPresetName,
  type BackboneName,
  type DatasetSource,
  type LossName,
  type OptimizerName,
} from './run-config-variants';
import { choices, type ConfigField } from './run-config-field-types';

/** Labels and one-line descriptions of every choice of the New-run form, by section. */

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

/** Placeholder and hint of the folder field of each source that reads files. */
export const DATASET_PATHS: Record<
  Exclude<DatasetSource, 'embedded'>,
  { placeholder: string; hint: string }
> = {
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
export const LOSS_PARAMETERS: Record<string, Omit<ConfigField, 'path'>> = {
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
