import { describe, expect, it } from 'vitest';
import { autoAugmentation, learningRateHint } from '../../src-renderer/domain/run-config-fields';
import {
  defaultFormValues,
  effectiveLearningRate,
  withDataset,
  withLoss,
} from '../../src-renderer/domain/run-config-form';
import { lossResetNote } from '../../src-renderer/domain/run-config-hints';
import { fieldsOf, NOW, schemaDefaultValues } from './run-config-values';

describe('hints that follow the other values of the form', () => {
  it('says which loss parameters a switch reset and which no longer apply', () => {
    const start = defaultFormValues(NOW);
    const note = lossResetNote(start, withLoss(start, 'vicreg'));
    expect(note).toBe(
      'Switched to VICReg: its parameters were reset to their defaults (Invariance weight 25, Variance weight 25, Covariance weight 1); λ (off-diagonal weight), Scale, Exponent q, Block size b, Feature permutation no longer apply.',
    );
    expect(lossResetNote(start, start)).toBeNull();
    expect(lossResetNote(start, withLoss(start, 'bt'))).toMatch(
      /^Switched to Barlow Twins: .*λ \(off-diagonal weight\) 0.0051, Scale 0.024\); Exponent q, Block size b, Feature permutation no longer apply\.$/,
    );
  });

  it('works out the effective learning rate live', () => {
    const values = schemaDefaultValues();
    expect(effectiveLearningRate(values)).toBeCloseTo(0.15);
    expect(learningRateHint(values)).toBe('Effective 0.15 = 0.3 × 128 / 256');
    const large = { ...values, 'training.batchSize': 1024, 'optimizer.learningRate': 0.2 };
    expect(effectiveLearningRate(large)).toBeCloseTo(0.8);
    const unscaled = { ...large, 'optimizer.scaleByBatch': false };
    expect(effectiveLearningRate(unscaled)).toBe(0.2);
    expect(learningRateHint(unscaled)).toBe('Used as given: 0.2');
    expect(effectiveLearningRate({ ...values, 'optimizer.learningRate': undefined })).toBeUndefined();
    expect(learningRateHint({ ...values, 'training.batchSize': undefined })).toBe('Scaled by batch / 256');
    const hint = fieldsOf(large).find((field) => field.path === 'optimizer.learningRate')?.hint;
    expect(hint).toBe('Effective 0.8 = 0.2 × 1024 / 256');
  });

  it('says what auto augmentation picks for the data and loss', () => {
    expect(autoAugmentation('embedded', 'fft-vicreg')).toBe('light');
    expect(autoAugmentation('cifar10', 'fft-vicreg')).toBe('vicreg-cifar');
    expect(autoAugmentation('cifar100', 'bt')).toBe('bt-cifar');
    expect(autoAugmentation('image-folder', 'bt')).toMatch(/else bt-cifar/);
    const hint = fieldsOf(schemaDefaultValues()).find((field) => field.path === 'augmentation.preset')?.hint;
    expect(hint).toMatch(/^Picks light here \(grayscale images\): Crop/);
    const cifar = fieldsOf({ ...withDataset(schemaDefaultValues(), 'cifar10'), 'loss.name': 'vicreg' }).find(
      (field) => field.path === 'augmentation.preset',
    )?.hint;
    expect(cifar).toMatch(/^Picks vicreg-cifar here \(colour images, VICReg family\): solo-learn/);
  });
});
