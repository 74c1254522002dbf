import type { RunConfig } from '@shared/config/run-config';
import { IDENTITY_PIPELINE, type AugmentationPipeline } from '../augment/pipeline';
import { augmentationPreset } from '../augment/presets';

/**
 * The two view pipelines of a run: the configured preset, or for `auto` the light preset on
 * grayscale data and solo-learn's CIFAR preset of the loss family otherwise.
 */
export function viewPipelines(
  config: RunConfig,
  channels: number,
): [AugmentationPipeline, AugmentationPipeline] {
  const { preset, cropSize } = config.augmentation;
  if (preset === 'none') return [IDENTITY_PIPELINE, IDENTITY_PIPELINE];
  const vicregFamily = config.loss.name === 'vicreg' || config.loss.name === 'fft-vicreg';
  const name =
    preset !== 'auto' ? preset : channels === 1 ? 'light' : vicregFamily ? 'vicreg-cifar' : 'bt-cifar';
  return augmentationPreset(name, cropSize === undefined ? {} : { cropSize });
}

/** Side of the square views the model sees: the crop size, else the image's own size. */
export function viewSize(pipelines: readonly AugmentationPipeline[], imageHeight: number): number {
  return pipelines[0]?.crop?.size ?? imageHeight;
}
