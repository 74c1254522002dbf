import { describe, expect, it } from 'vitest';
import { AUGMENTATION_PRESETS as PRESET_CHOICES, runConfigSchema } from '@shared/config/run-config';
import { SOURCE_CHANNELS } from '@shared/config/augmentation-rule';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import { IDENTITY_PIPELINE } from '../../../../src-main/ml/augment/pipeline';
import { AUGMENTATION_PRESET_NAMES, augmentationPreset } from '../../../../src-main/ml/augment/presets';
import { viewPipelines } from '../../../../src-main/ml/train/augmentation';
import { RESOURCES_DIR } from '../../../helpers/workbench';

const config = (loss: 'bt' | 'vicreg' | 'fft-bt' | 'fft-vicreg', preset = 'auto') =>
  runConfigSchema.parse({ name: 'rule', loss: { name: loss }, augmentation: { preset } });

describe("the engine's view pipelines", () => {
  it('follow the shared rule for auto: light on grayscale, the loss family CIFAR preset on colour', () => {
    expect(viewPipelines(config('fft-vicreg'), 1)).toEqual(augmentationPreset('light'));
    expect(viewPipelines(config('fft-vicreg'), 3)).toEqual(augmentationPreset('vicreg-cifar'));
    expect(viewPipelines(config('vicreg'), 3)).toEqual(augmentationPreset('vicreg-cifar'));
    expect(viewPipelines(config('fft-bt'), 3)).toEqual(augmentationPreset('bt-cifar'));
    expect(viewPipelines(config('bt', 'vicreg-imagenet'), 1)).toEqual(augmentationPreset('vicreg-imagenet'));
    expect(viewPipelines(config('bt', 'none'), 3)).toEqual([IDENTITY_PIPELINE, IDENTITY_PIPELINE]);
  });

  it('know every preset a configuration may name', () => {
    const concrete = PRESET_CHOICES.filter((name) => name !== 'auto' && name !== 'none');
    expect([...AUGMENTATION_PRESET_NAMES].sort()).toEqual([...concrete].sort());
  });

  it('see the channels the form assumes for the embedded data', () => {
    expect(loadEmbeddedDataset(RESOURCES_DIR).train.channels).toBe(SOURCE_CHANNELS.embedded);
  });
});
