import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { gaussianBlur } from './blur';
import { applyColorStep, solarize } from './color';
import { resizedCrops } from './crop';
import { drawViewParameters, type ViewParameters } from './parameters';
import { checkPipeline, type AugmentationPipeline, type Normalization, type ViewPipelines } from './pipeline';

/** [batch, height, width, channels] */
export type ImageBatchShape = readonly [number, number, number, number];

function checkShape(images: Uint8Array, shape: ImageBatchShape): void {
  const [batch, height, width, channels] = shape;
  if (channels !== 1 && channels !== 3)
    throw new Error(`augmentation: images need 1 or 3 channels, got ${channels}`);
  if (images.length !== batch * height * width * channels)
    throw new Error(`augmentation: ${images.length} bytes do not match the shape [${shape.join(', ')}]`);
}

/** (x - mean) / std per channel. */
export function normalize(pixels: tf.Tensor4D, normalization: Normalization): tf.Tensor4D {
  return tf.tidy(() => pixels.sub(tf.tensor1d(normalization.mean)).div(tf.tensor1d(normalization.std)));
}

/**
 * uint8 NHWC images as float32 in [0, 1], optionally normalised: the un-augmented input, e.g. for
 * evaluation, prepared exactly as the views are.
 */
export function imagesToTensor(
  images: Uint8Array,
  shape: ImageBatchShape,
  normalization?: Normalization | null,
): tf.Tensor4D {
  checkShape(images, shape);
  const scaled = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) scaled[i] = images[i]! / 255;
  const pixels = tf.tensor4d(scaled, [...shape]);
  if (!normalization) return pixels;
  const result = normalize(pixels, normalization);
  pixels.dispose();
  return result;
}

/** Applies drawn parameters to float images `pixels` [B, H, W, C] in [0, 1]. */
export function applyViewParameters(pixels: tf.Tensor4D, parameters: ViewParameters): tf.Tensor4D {
  return tf.tidy(() => {
    let view = resizedCrops(pixels, parameters.boxes, parameters.size);
    for (const step of parameters.colorSteps) view = applyColorStep(view, step);
    if (parameters.grayscale) view = applyColorStep(view, parameters.grayscale, false);
    if (parameters.blur) view = gaussianBlur(view, parameters.blur.sigmas, parameters.blur.radius);
    if (parameters.solarize) view = solarize(view, parameters.solarize);
    if (parameters.normalization) view = normalize(view, parameters.normalization);
    return view;
  });
}

/** One augmented view of float images `pixels` [B, H, W, C] in [0, 1]. */
export function augmentView(
  pixels: tf.Tensor4D,
  pipeline: AugmentationPipeline,
  random: Random,
): tf.Tensor4D {
  checkPipeline(pipeline, pixels.shape[3]);
  return applyViewParameters(pixels, drawViewParameters(pipeline, pixels.shape, random));
}

/**
 * The two views of a batch of uint8 NHWC images: view 1 from `pipelines[0]`, view 2 from
 * `pipelines[1]`, every random choice drawn from `random` (view 1's first), so the same generator
 * state gives the same views on any backend. Returns float32 tensors [B, S, S, C] the caller disposes.
 */
export function makeViews(
  images: Uint8Array,
  shape: ImageBatchShape,
  pipelines: ViewPipelines,
  random: Random,
): [tf.Tensor4D, tf.Tensor4D] {
  checkShape(images, shape);
  for (const pipeline of pipelines) checkPipeline(pipeline, shape[3]);
  const first = drawViewParameters(pipelines[0], shape, random);
  const second = drawViewParameters(pipelines[1], shape, random);
  return tf.tidy(() => {
    const pixels = imagesToTensor(images, shape);
    return [applyViewParameters(pixels, first), applyViewParameters(pixels, second)];
  });
}
