import type { AUGMENTATION_PRESETS, DATASET_SOURCES, LossName } from './run-config';

/**
 * Which loss family a loss belongs to, and what `augmentation.preset: auto` picks: the one
 * rule the engine (from the loaded images), the New-run form (from the data source) and the
 * CLI follow. The relaxed losses share their exact counterparts' family and recipes.
 */

export type AugmentationPresetName = (typeof AUGMENTATION_PRESETS)[number];
type DatasetSource = (typeof DATASET_SOURCES)[number];

/** `bt`: Barlow Twins and sBT (fft-bt); `vicreg`: VICReg and sVICReg (fft-vicreg). */
export type LossFamily = 'bt' | 'vicreg';

export const LOSS_FAMILIES: Readonly<Record<LossName, LossFamily>> = {
  bt: 'bt',
  'fft-bt': 'bt',
  vicreg: 'vicreg',
  'fft-vicreg': 'vicreg',
};

export function lossFamily(lossName: LossName): LossFamily {
  return LOSS_FAMILIES[lossName];
}

/** The family of a loss name read from storage (a string), or undefined for an unknown name. */
export function lossFamilyOf(name: string): LossFamily | undefined {
  return Object.hasOwn(LOSS_FAMILIES, name) ? LOSS_FAMILIES[name as LossName] : undefined;
}

/** solo-learn's CIFAR augmentation recipe of each family. */
export const FAMILY_CIFAR_PRESET = {
  bt: 'bt-cifar',
  vicreg: 'vicreg-cifar',
} as const satisfies Record<LossFamily, AugmentationPresetName>;

/** The presets `auto` can stand for. */
export type AutoAugmentationPreset = 'light' | (typeof FAMILY_CIFAR_PRESET)[LossFamily];

/** What `auto` picks: the light preset for grayscale images, else the CIFAR preset of the loss family. */
export function autoAugmentationPreset(channels: number, lossName: LossName): AutoAugmentationPreset {
  return channels === 1 ? 'light' : FAMILY_CIFAR_PRESET[lossFamily(lossName)];
}

/** The preset a run uses: the configured one, or for `auto` what `autoAugmentationPreset` picks. */
export function resolveAugmentationPreset(
  preset: AugmentationPresetName,
  channels: number,
  lossName: LossName,
): Exclude<AugmentationPresetName, 'auto'> {
  return preset === 'auto' ? autoAugmentationPreset(channels, lossName) : preset;
}

/**
 * The channels a data source's images have, as its loader makes them: IDX files (and the
 * embedded Fashion-MNIST) are grayscale, CIFAR is colour; an image folder is grayscale only
 * when every image is, which is known once it is read (undefined here).
 */
export const SOURCE_CHANNELS: Readonly<Record<DatasetSource, 1 | 3 | undefined>> = {
  embedded: 1,
  idx: 1,
  cifar10: 3,
  cifar100: 3,
  'image-folder': undefined,
};
