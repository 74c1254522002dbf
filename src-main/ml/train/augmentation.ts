import { resolveAugmentationPreset } from '@shared/config/augmentation-rule';
import type { RunConfig } from '@shared/config/run-config';
import { IDENTITY_PIPELINE, type AugmentationPipeline } from '../augment/pipeline';
import { augmentationPreset } from '../augment/presets';

/**
 * The two view pipelines of a run: the configured preset, or for `auto` the shared rule's pick
 * (src-shared/config/augmentation-rule.ts) for the loaded images' channel count.
 */
export function viewPipelines(
  config: RunConfig,
  channels: number,
): [AugmentationPipeline, AugmentationPipeline] {
  const { preset, cropSize } = config.augmentation;
  if (preset === 'none') return [IDENTITY_PIPELINE, IDENTITY_PIPELINE];
  const name = resolveAugmentationPreset(preset, channels, config.loss.name);
  return augmentationPreset(name, cropSize === undefined ? {} : { cropSize });
}

/** Side of the square views the model sees: the crop size, else the image's own size. */
export function viewSize(pipelines: readonly AugmentationPipeline[], imageHeight: number): number {
  return pipelines[0]?.crop?.size ?? imageHeight;
}
