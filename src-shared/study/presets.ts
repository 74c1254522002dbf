/**
 * Named studies (issue 14, item 5): the paper's comparison of the relaxed losses with the exact
 * ones, at a size this machine finishes (Fashion-MNIST) and at the paper's sizes for machines with
 * a GPU and the data (CIFAR-10, ImageNet-100). `study create --base NAME` starts from one; the
 * desktop's Studies page lists them.
 */
import { PRESETS } from '../config/presets';
import type { RunConfigInput } from '../config/run-config';
import type { AxisValue, StudyPreset } from './types';

/** The five methods the paper compares, with the hyperparameters a loss of each needs at d. */
function methodAxis(relaxed: { sbt: Record<string, unknown>; svicreg: Record<string, unknown> }): {
  field: string;
  values: AxisValue[];
  labels: string[];
} {
  const vicreg = { simWeight: 25, varWeight: 25, covWeight: 1 };
  // No blockSize: b = d, the O(n d log d) form the paper's cost claim is about.
  const sbt = { name: 'fft-bt', ...relaxed.sbt };
  return {
    field: 'loss',
    values: [
      { name: 'bt', lambda: 0.0051, scale: 0.1 },
      { ...sbt, permutation: 'batch' },
      { ...sbt, permutation: 'none' },
      { name: 'vicreg', ...vicreg },
      { name: 'fft-vicreg', ...vicreg, ...relaxed.svicreg, permutation: 'batch' },
    ],
    labels: ['BT', 'sBT', 'sBT (no perm.)', 'VICReg', 'sVICReg'],
  };
}

/** A run preset's configuration without its name and loss: the base a loss axis varies. */
function baseOf(presetName: string, name: string): RunConfigInput {
  const preset = PRESETS[presetName];
  if (!preset) throw new Error(`Unknown run preset ${presetName}`);
  const { loss: _loss, name: _name, ...rest } = preset.config;
  return { ...structuredCopy(rest), name };
}

const structuredCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const STUDY_PRESETS: Record<string, StudyPreset> = {
  'paper-fashion-mnist': {
    name: 'paper-fashion-mnist',
    description:
      "The paper's comparison on the embedded Fashion-MNIST subset (10k train / 2k test): BT, sBT (b = d, batch permutation), " +
      'sBT without permutation, VICReg and sVICReg, 3 seeds each, small CNN, d = 512, 3 epochs, batch 64, AdamW. ' +
      'Why these sizes: the 15 runs plus a 100-epoch linear evaluation of each (about 15 s) finish in about 50 minutes on a ' +
      '2-core CPU at 2 runs at a time (measured: about 100 s per epoch per run with two running). d = 512 keeps the exact ' +
      "losses' O(n d^2) affordable on a CPU so both sides of the comparison finish; the cost claim (O(n d log d) against " +
      'O(n d^2)) is measured by a cost study over d, not by this one.',
    spec: {
      name: 'paper-fashion-mnist',
      description:
        'BT, sBT, sBT (no perm.), VICReg, sVICReg on embedded Fashion-MNIST, d = 512, 3 epochs, 3 seeds',
      base: {
        name: 'paper-fashion-mnist',
        dataset: { source: 'embedded' },
        augmentation: { preset: 'light' },
        model: { backbone: 'small-cnn', projectorHiddenDim: 512, projectorOutputDim: 512 },
        optimizer: { name: 'adamw', learningRate: 3e-3, scaleByBatch: false, weightDecay: 1e-4 },
        schedule: { warmupEpochs: 1 },
        training: { epochs: 3, batchSize: 64 },
        evaluation: { everyEpochs: 1, bankLimit: 5000 },
      },
      axes: [methodAxis({ sbt: { lambda: 1 / 512, scale: 0.125, q: 2 }, svicreg: { scale: 0.25, q: 1 } })],
      seeds: 3,
      seedStart: 0,
      evaluation: { linear: true, knnSweep: false, linearSettings: {} },
    },
  },
  'paper-cifar10': {
    name: 'paper-cifar10',
    description:
      "The paper's CIFAR-10 comparison: BT, sBT (b = d), sBT without permutation, VICReg and sVICReg with ResNet-18 " +
      "(CIFAR stem), d = 2048, solo-learn's recipe (LARS, 1000 epochs, batch 256; augmentation of each loss's family), " +
      '3 seeds, then a linear evaluation and a kNN sweep of each run. 15 runs of 1000 epochs: for a machine with a GPU ' +
      'and CIFAR-10 in datasets/cifar-10-batches-bin (binary version); days on a CPU.',
    spec: {
      name: 'paper-cifar10',
      description: 'BT, sBT, sBT (no perm.), VICReg, sVICReg on CIFAR-10, ResNet-18, d = 2048, 3 seeds',
      base: baseOf('cifar10-sbt', 'paper-cifar10'),
      // The cifar10-* / in100-* presets' losses (the paper's d = 2048 settings: lambda 1/1024).
      axes: [methodAxis({ sbt: { lambda: 1 / 1024, scale: 0.125, q: 2 }, svicreg: { scale: 0.25, q: 1 } })],
      seeds: 3,
      seedStart: 0,
      evaluation: { linear: true, knnSweep: true, linearSettings: {} },
    },
  },
  'paper-imagenet100': {
    name: 'paper-imagenet100',
    description:
      "The paper's ImageNet-100 comparison: BT, sBT (b = d), sBT without permutation, VICReg and sVICReg with ResNet-18, " +
      'd = 2048, 400 epochs, batch 256, LARS, 3 seeds, then a linear evaluation and a kNN sweep of each run. One ' +
      "augmentation for every method (the BT ImageNet recipe: a study's axes multiply, so the augmentation cannot follow " +
      'the loss; the in100-svicreg run preset has the VICReg recipe). For a machine with a GPU and ImageNet-100 as an ' +
      'image folder in datasets/imagenet-100.',
    spec: {
      name: 'paper-imagenet100',
      description: 'BT, sBT, sBT (no perm.), VICReg, sVICReg on ImageNet-100, ResNet-18, d = 2048, 3 seeds',
      base: baseOf('in100-sbt', 'paper-imagenet100'),
      // The cifar10-* / in100-* presets' losses (the paper's d = 2048 settings: lambda 1/1024).
      axes: [methodAxis({ sbt: { lambda: 1 / 1024, scale: 0.125, q: 2 }, svicreg: { scale: 0.25, q: 1 } })],
      seeds: 3,
      seedStart: 0,
      evaluation: { linear: true, knnSweep: true, linearSettings: {} },
    },
  },
};
