import { describe, expect, it } from 'vitest';
import {
  autoAugmentationPreset,
  lossFamily,
  lossFamilyOf,
  resolveAugmentationPreset,
  SOURCE_CHANNELS,
} from '@shared/config/augmentation-rule';
import { DATASET_SOURCES, LOSS_NAMES } from '@shared/config/run-config';

describe('the loss-family and augmentation rule', () => {
  it('puts each relaxed loss in its exact counterpart family', () => {
    expect(LOSS_NAMES.map((name) => [name, lossFamily(name)])).toEqual([
      ['bt', 'bt'],
      ['vicreg', 'vicreg'],
      ['fft-bt', 'bt'],
      ['fft-vicreg', 'vicreg'],
    ]);
    expect(lossFamilyOf('fft-vicreg')).toBe('vicreg');
    expect(lossFamilyOf('simclr')).toBeUndefined();
    expect(lossFamilyOf('constructor')).toBeUndefined();
  });

  it('picks light for grayscale images, else the CIFAR preset of the loss family', () => {
    expect(LOSS_NAMES.map((name) => autoAugmentationPreset(1, name))).toEqual([
      'light',
      'light',
      'light',
      'light',
    ]);
    expect(LOSS_NAMES.map((name) => autoAugmentationPreset(3, name))).toEqual([
      'bt-cifar',
      'vicreg-cifar',
      'bt-cifar',
      'vicreg-cifar',
    ]);
  });

  it('resolves only auto; a chosen preset stays', () => {
    expect(resolveAugmentationPreset('auto', 3, 'fft-vicreg')).toBe('vicreg-cifar');
    expect(resolveAugmentationPreset('bt-imagenet', 1, 'vicreg')).toBe('bt-imagenet');
    expect(resolveAugmentationPreset('none', 3, 'bt')).toBe('none');
  });

  it('knows the channels of every source whose loader fixes them', () => {
    expect(Object.keys(SOURCE_CHANNELS).sort()).toEqual([...DATASET_SOURCES].sort());
    expect(SOURCE_CHANNELS).toEqual({
      embedded: 1,
      idx: 1,
      cifar10: 3,
      cifar100: 3,
      'image-folder': undefined,
    });
  });
});
