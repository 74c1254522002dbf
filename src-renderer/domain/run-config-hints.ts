import {
  autoAugmentationPreset,
  FAMILY_CIFAR_PRESET,
  lossFamily,
  SOURCE_CHANNELS,
} from '@shared/config/augmentation-rule';
import { formatMetric } from './format';
import { effectiveLearningRate, REFERENCE_BATCH_SIZE } from './run-config-form';
import type { FormValues } from './run-config-field-types';
import { AUGMENTATION_DESCRIPTIONS, LOSS_LABELS, LOSS_PARAMETERS } from './run-config-labels';
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

/**
 * What switching the loss did to its parameters, for a note under the picker: every parameter
 * of the new loss is set to that loss's default (`withLoss`), so the reader sees which values
 * replaced theirs and which no longer apply. Null when the loss did not change.
 */
export function lossResetNote(before: FormValues, after: FormValues): string | null {
  const lossName = after['loss.name'];
  if (typeof lossName !== 'string' || lossName === before['loss.name']) return null;
  const reset = Object.keys(after)
    .filter((path) => path.startsWith('loss.') && path !== 'loss.name' && after[path] !== undefined)
    .map((path) => {
      const key = path.slice('loss.'.length);
      const label = LOSS_PARAMETERS[key]?.label ?? key;
      return `${label} ${String(after[path])}`;
    });
  const dropped = Object.keys(before).filter(
    (path) => path.startsWith('loss.') && path !== 'loss.name' && !(path in after),
  );
  const label = LOSS_LABELS[lossName as LossName] ?? lossName;
  const parts = [`Switched to ${label}: its parameters were reset to their defaults`];
  if (reset.length > 0) parts[0] += ` (${reset.join(', ')})`;
  if (dropped.length > 0)
    parts.push(
      `${dropped.map((path) => LOSS_PARAMETERS[path.slice(5)]?.label ?? path).join(', ')} no longer appl${dropped.length === 1 ? 'ies' : 'y'}`,
    );
  return `${parts.join('; ')}.`;
}
