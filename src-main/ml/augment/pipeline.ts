/**
 * The description of one view's augmentation pipeline: plain JSON data, so it can live in a run
 * configuration, be shown in the UI and be compared between runs. The order of application is fixed
 * and follows solo-learn's torchvision pipeline: crop -> flip -> colour jitter -> grayscale -> blur
 * -> solarization -> normalization. A missing section (or a probability of 0) turns a step off.
 */
export interface AugmentationPipeline {
  /** Random resized crop (torchvision `RandomResizedCrop`); omitted: the whole image, not resized. */
  crop?: CropOptions;
  /** Probability of a horizontal flip. */
  flipProbability: number;
  /** Colour jitter (torchvision `RandomApply(ColorJitter(...), p)`); omitted: off. */
  colorJitter?: ColorJitterOptions;
  /** Probability of turning the image gray (3 equal channels, as torchvision `RandomGrayscale`). */
  grayscaleProbability: number;
  /** Gaussian blur; omitted: off. */
  blur?: BlurOptions;
  /** Probability of inverting every value >= 0.5 (threshold 128 of 255, as PIL `solarize`). */
  solarizationProbability: number;
  /** Per-channel standardisation as the last step; omitted: values stay in [0, 1]. */
  normalization?: Normalization;
}

export interface CropOptions {
  /** Crop area as a fraction of the image area, drawn uniformly in [min, max] (e.g. [0.08, 1]). */
  scale: [number, number];
  /** Aspect ratio width/height, drawn log-uniformly in [min, max] (torchvision: [3/4, 4/3]). */
  ratio: [number, number];
  /** Output side in pixels (square); omitted: the input image's own height and width. */
  size?: number;
}

export interface ColorJitterOptions {
  /** Probability that the jitter is applied to an image at all. */
  probability: number;
  /** Brightness factor drawn in [max(0, 1 - b), 1 + b]. */
  brightness: number;
  /** Contrast factor drawn in [max(0, 1 - c), 1 + c]. */
  contrast: number;
  /** Saturation factor drawn in [max(0, 1 - s), 1 + s]; RGB only. */
  saturation: number;
  /** Hue shift drawn in [-h, h] turns (h <= 0.5); RGB only. */
  hue: number;
}

export interface BlurOptions {
  probability: number;
  /** Standard deviation in pixels of the (cropped) image, drawn uniformly in [min, max]. */
  sigma: [number, number];
}

export interface Normalization {
  /** One value per channel (length 1 or 3, matching the images). */
  mean: number[];
  std: number[];
}

/** Two pipelines, one per view (the same object twice for a symmetric method). */
export type ViewPipelines = readonly [AugmentationPipeline, AugmentationPipeline];

/** The identity: no crop, no flip, no colour change. Useful as a base to spread options over. */
export const IDENTITY_PIPELINE: AugmentationPipeline = {
  flipProbability: 0,
  grayscaleProbability: 0,
  solarizationProbability: 0,
};

/** Mean and std of the training images for [0, 1] pixels (solo-learn's `MEANS_N_STD`, Fashion-MNIST's own). */
export const NORMALIZATIONS = {
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  cifar100: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  fashionMnist: { mean: [0.286], std: [0.353] },
} as const satisfies Record<string, Normalization>;

function checkProbability(value: number, field: string): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`augmentation: ${field} must be in [0, 1], got ${value}`);
}

function checkRange(range: readonly number[], field: string, low: number, high: number): void {
  const [min, max] = range;
  if (range.length !== 2 || !(min! >= low && max! <= high && min! <= max!)) {
    throw new Error(`augmentation: ${field} must be [min, max] with ${low} <= min <= max <= ${high}`);
  }
}

/**
 * Throws an error naming the field when a pipeline cannot be applied to images with `channels`
 * channels (bad probabilities, ranges or a normalization of the wrong length).
 */
export function checkPipeline(pipeline: AugmentationPipeline, channels: number): void {
  checkProbability(pipeline.flipProbability, 'flipProbability');
  checkProbability(pipeline.grayscaleProbability, 'grayscaleProbability');
  checkProbability(pipeline.solarizationProbability, 'solarizationProbability');
  const { crop, colorJitter, blur, normalization } = pipeline;
  if (crop) {
    checkRange(crop.scale, 'crop.scale', Number.MIN_VALUE, 1);
    checkRange(crop.ratio, 'crop.ratio', Number.MIN_VALUE, Infinity);
    if (crop.size !== undefined && !(Number.isInteger(crop.size) && crop.size >= 1))
      throw new Error(`augmentation: crop.size must be a positive integer, got ${crop.size}`);
  }
  if (colorJitter) {
    checkProbability(colorJitter.probability, 'colorJitter.probability');
    for (const key of ['brightness', 'contrast', 'saturation'] as const) {
      if (!(colorJitter[key] >= 0)) throw new Error(`augmentation: colorJitter.${key} must be >= 0`);
    }
    if (!(colorJitter.hue >= 0 && colorJitter.hue <= 0.5))
      throw new Error('augmentation: colorJitter.hue must be in [0, 0.5]');
  }
  if (blur) {
    checkProbability(blur.probability, 'blur.probability');
    checkRange(blur.sigma, 'blur.sigma', Number.MIN_VALUE, 100);
  }
  if (normalization) {
    const { mean, std } = normalization;
    if (mean.length !== channels || std.length !== channels)
      throw new Error(`augmentation: normalization needs ${channels} mean and std values for these images`);
    if (std.some((value) => !(value > 0))) throw new Error('augmentation: normalization.std must be > 0');
  }
}
