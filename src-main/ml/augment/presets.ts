import type { AugmentationPipeline, ColorJitterOptions, ViewPipelines } from './pipeline';

/** A named pair of view pipelines. */
export interface AugmentationPreset {
  description: string;
  views: ViewPipelines;
}

// Values from solo-learn (scripts/pretrain/cifar/augmentations/asymmetric.yaml, cifar/vicreg.yaml) and
// from the paper's ImageNet scripts (spec section 9).
const JITTER: ColorJitterOptions = {
  probability: 0.8,
  brightness: 0.4,
  contrast: 0.4,
  saturation: 0.2,
  hue: 0.1,
};
const RATIO: [number, number] = [3 / 4, 4 / 3];

function solo(
  scale: number,
  options: Partial<AugmentationPipeline> & { size?: number },
): AugmentationPipeline {
  const { size, ...rest } = options;
  return {
    crop: { scale: [scale, 1], ratio: RATIO, ...(size ? { size } : {}) },
    flipProbability: 0.5,
    colorJitter: JITTER,
    grayscaleProbability: 0.2,
    solarizationProbability: 0,
    ...rest,
  };
}

const IMAGENET_BLUR = { sigma: [0.1, 2] as [number, number] };

export const AUGMENTATION_PRESETS = {
  'bt-cifar': {
    description:
      'Barlow Twins (and sBT) on CIFAR, solo-learn: asymmetric, crop scale 0.08-1, jitter 0.4/0.4/0.2/0.1 p 0.8, gray 0.2, solarize 0 / 0.2, no blur',
    views: [solo(0.08, {}), solo(0.08, { solarizationProbability: 0.2 })],
  },
  'vicreg-cifar': {
    description:
      'VICReg (and sVICReg) on CIFAR, solo-learn: symmetric, crop scale 0.2-1, jitter 0.4/0.4/0.2/0.1 p 0.8, gray 0.2, solarize 0.1, no blur',
    views: [solo(0.2, { solarizationProbability: 0.1 }), solo(0.2, { solarizationProbability: 0.1 })],
  },
  'bt-imagenet': {
    description:
      'Barlow Twins / sBT on ImageNet (paper, spec 9; also VICReg on ImageNet-1k): asymmetric, crop 224 scale 0.08-1, blur 1.0 / 0.1, solarize 0 / 0.2',
    views: [
      solo(0.08, { size: 224, blur: { probability: 1, ...IMAGENET_BLUR } }),
      solo(0.08, { size: 224, blur: { probability: 0.1, ...IMAGENET_BLUR }, solarizationProbability: 0.2 }),
    ],
  },
  'vicreg-imagenet': {
    description:
      'VICReg / sVICReg on ImageNet-100 (paper, spec 9): symmetric, crop 224 scale 0.2-1, blur 0.5, solarize 0.1',
    views: [
      solo(0.2, { size: 224, blur: { probability: 0.5, ...IMAGENET_BLUR }, solarizationProbability: 0.1 }),
      solo(0.2, { size: 224, blur: { probability: 0.5, ...IMAGENET_BLUR }, solarizationProbability: 0.1 }),
    ],
  },
  light: {
    description:
      'Small grayscale images (28x28, e.g. Fashion-MNIST): crop scale 0.35-1, flip 0.5, brightness/contrast 0.8 p 0.8',
    views: [light(), light()],
  },
} as const satisfies Record<string, AugmentationPreset>;

function light(): AugmentationPipeline {
  return {
    crop: { scale: [0.35, 1], ratio: RATIO },
    flipProbability: 0.5,
    colorJitter: { probability: 0.8, brightness: 0.8, contrast: 0.8, saturation: 0, hue: 0 },
    grayscaleProbability: 0,
    solarizationProbability: 0,
  };
}

export type AugmentationPresetName = keyof typeof AUGMENTATION_PRESETS;

export const AUGMENTATION_PRESET_NAMES = Object.keys(AUGMENTATION_PRESETS) as AugmentationPresetName[];

/**
 * The two pipelines of a preset, as fresh copies. The crop size is the preset's own where it has one
 * (224 for the ImageNet presets), else the image size of the data; `cropSize` overrides both.
 */
export function augmentationPreset(
  name: string,
  options: { cropSize?: number } = {},
): [AugmentationPipeline, AugmentationPipeline] {
  const preset = (AUGMENTATION_PRESETS as Record<string, AugmentationPreset>)[name];
  if (!preset)
    throw new Error(`Unknown augmentation preset "${name}"; known: ${AUGMENTATION_PRESET_NAMES.join(', ')}`);
  const copy = (pipeline: AugmentationPipeline): AugmentationPipeline => {
    const result = structuredClone(pipeline);
    if (options.cropSize !== undefined && result.crop) result.crop.size = options.cropSize;
    return result;
  };
  return [copy(preset.views[0]), copy(preset.views[1])];
}
