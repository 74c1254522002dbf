import type { Random } from '../random';
import { blurRadius } from './blur';
import {
  brightnessStep,
  contrastStep,
  grayscaleStep,
  hueStep,
  identityStep,
  IDENTITY_COLOR,
  saturationStep,
  setCoefficients,
  type ColorCoefficients,
  type ColorStep,
} from './color';
import { cropBox, drawCrop } from './crop';
import type { AugmentationPipeline, ColorJitterOptions, Normalization } from './pipeline';

/**
 * Every random choice of one view of one batch, drawn on the CPU from the run's seeded generator
 * (so a seed reproduces the views on any backend), as flat arrays ready to become tensors.
 */
export interface ViewParameters {
  /** [B * 4] crop boxes for `cropAndResize`, flips folded in. */
  boxes: Float32Array;
  /** Output height and width. */
  size: [number, number];
  /** Colour jitter as up to 4 steps (the order differs per image, as in torchvision); [] = off. */
  colorSteps: ColorStep[];
  /** Grayscale as one colour step, or null when no image of the batch is turned gray. */
  grayscale: ColorStep | null;
  /** Per-image blur sigma (0 = not blurred) and the shared kernel radius; null when none is blurred. */
  blur: { sigmas: Float32Array; radius: number } | null;
  /** Per-image 1 (solarize) or 0; null when none is. */
  solarize: Float32Array | null;
  normalization: Normalization | null;
}

const BRIGHTNESS = 0;
const CONTRAST = 1;
const SATURATION = 2;
const HUE = 3;

function factorRange(amount: number): [number, number] {
  return [Math.max(0, 1 - amount), 1 + amount];
}

/** torchvision `ColorJitter.get_params`: a random order of the 4 adjustments and their factors. */
function drawJitter(random: Random, options: ColorJitterOptions) {
  const draw = ([low, high]: [number, number]) => low + (high - low) * random.next();
  return {
    order: Array.from(random.permutation(4)),
    brightness: draw(factorRange(options.brightness)),
    contrast: draw(factorRange(options.contrast)),
    saturation: draw(factorRange(options.saturation)),
    hue: draw([-options.hue, options.hue]),
  };
}

/** The coefficients of adjustment `kind`; saturation and hue are RGB-only. */
function jitterStep(
  kind: number,
  jitter: ReturnType<typeof drawJitter>,
  channels: number,
): ColorCoefficients {
  if (kind === BRIGHTNESS) return brightnessStep(jitter.brightness);
  if (kind === CONTRAST) return contrastStep(jitter.contrast);
  if (channels === 3 && kind === SATURATION) return saturationStep(jitter.saturation);
  if (channels === 3 && kind === HUE) return hueStep(jitter.hue);
  return IDENTITY_COLOR;
}

function isIdentity(step: ColorStep): boolean {
  return (
    step.scale.every((value) => value === 1) &&
    step.gray.every((value) => value === 0) &&
    step.rotation.every((value) => value === 0) &&
    step.contrast.every((value) => value === 1)
  );
}

/**
 * Draws the parameters of one view for a batch of `shape` [B, H, W, C] images. Per image, in this
 * order: crop, flip, jitter (applied?, order, factors), grayscale, blur (applied?, sigma), solarize.
 * Images with 1 channel: saturation, hue and grayscale do nothing (brightness and contrast apply).
 */
export function drawViewParameters(
  pipeline: AugmentationPipeline,
  shape: readonly [number, number, number, number],
  random: Random,
): ViewParameters {
  const [batch, height, width, channels] = shape;
  const { crop, colorJitter, blur } = pipeline;
  const size: [number, number] = crop?.size ? [crop.size, crop.size] : [height, width];
  const boxes = new Float32Array(batch * 4);
  const colorSteps = [0, 1, 2, 3].map(() => identityStep(batch));
  const grayscale = identityStep(batch);
  const radius = blur ? blurRadius(blur.sigma[1], size[0], size[1]) : 0;
  const sigmas = new Float32Array(batch);
  const solarize = new Float32Array(batch);
  let jittered = false;
  let grayed = false;
  for (let b = 0; b < batch; b++) {
    const pixelCrop = crop ? drawCrop(random, height, width, crop) : { top: 0, left: 0, height, width };
    const flip = random.next() < pipeline.flipProbability;
    boxes.set(cropBox(pixelCrop, height, width, flip), b * 4);
    if (colorJitter && random.next() < colorJitter.probability) {
      jittered = true;
      const jitter = drawJitter(random, colorJitter);
      jitter.order.forEach((kind, position) => {
        setCoefficients(colorSteps[position]!, b, jitterStep(kind, jitter, channels));
      });
    }
    if (random.next() < pipeline.grayscaleProbability && channels === 3) {
      grayed = true;
      setCoefficients(grayscale, b, grayscaleStep());
    }
    if (blur && random.next() < blur.probability)
      sigmas[b] = blur.sigma[0] + (blur.sigma[1] - blur.sigma[0]) * random.next();
    solarize[b] = random.next() < pipeline.solarizationProbability ? 1 : 0;
  }
  return {
    boxes,
    size,
    colorSteps: jittered ? colorSteps.filter((step) => !isIdentity(step)) : [],
    grayscale: grayed ? grayscale : null,
    blur: radius > 0 && sigmas.some((sigma) => sigma > 0) ? { sigmas, radius } : null,
    solarize: solarize.some((value) => value > 0) ? solarize : null,
    normalization: pipeline.normalization ?? null,
  };
}
