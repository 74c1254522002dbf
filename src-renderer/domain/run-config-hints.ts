import {
  autoAugmentationPreset,
  FAMILY_CIFAR_PRESET,
  lossFamily,
  SOURCE_CHANNELS,
} from '@shared/config/augmentation-rule';
import { formatMetric } from './format';
import { effectiveLearningRate, REFERENCE_BATCH_SIZE } from './run-config-form';
import type { FormValues } from './run-config-field-types';
import { AUGMENTATION_DESCRIPTIONS } from './run-config-labels';
import type { AugmentationPresetName, DatasetSource, LossName } from './run-config-variants';

/** Hints that depend on other values of the form: what `auto` picks, the effective learning rate. */

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
