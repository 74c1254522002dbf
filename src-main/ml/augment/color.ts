import * as tf from '@tensorflow/tfjs';

/**
 * Colour transforms with per-image factors as a few broadcast multiplies, so a whole batch, each
 * image with its own factors, costs a handful of elementwise kernels per step. Brightness, contrast,
 * saturation, hue and grayscale all map a pixel x (RGB column) to
 *
 *   scale * x + gray * luma(x) * [1,1,1] + rotation * K x + (1 - contrast) * mean(luma)
 *
 * with luma(x) = w . x and K the 90-degree rotation of the YIQ chroma plane (see `hueStep`).
 * A per-image 3x3 matrix would say the same, but batched matmuls are slow on wasm (not XNNPACK)
 * while broadcast multiplies and one shared [N, 3] x [3, 3] product are fast everywhere.
 */

/** Luma weights, the Y row of YIQ (torchvision's `rgb_to_grayscale` uses 0.2989, 0.587, 0.114). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

// RGB -> YIQ (NTSC), the space where a hue shift is a rotation of the chroma plane (I, Q).
const RGB_TO_YIQ = [...LUMA_WEIGHTS, 0.595716, -0.274453, -0.321263, 0.211456, -0.522591, 0.311135];

function multiply3(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const product = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[i * 3 + k]! * b[k * 3 + j]!;
      product[i * 3 + j] = sum;
    }
  }
  return product;
}

function invert3(m: ArrayLike<number>): Float64Array {
  const [a, b, c, d, e, f, g, h, i] = Array.from(m) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const inverse = [
    e * i - f * h,
    c * h - b * i,
    b * f - c * e,
    f * g - d * i,
    a * i - c * g,
    c * d - a * f,
    d * h - e * g,
    b * g - a * h,
    a * e - b * d,
  ];
  const determinant = a * inverse[0]! + b * inverse[3]! + c * inverse[6]!;
  return Float64Array.from(inverse, (value) => value / determinant);
}

const YIQ_TO_RGB = invert3(RGB_TO_YIQ);

/** Row-major 3x3 matrix of a hue shift by `turns` in YIQ space (the reference for `hueStep`). */
export function hueMatrix(turns: number): Float64Array {
  const angle = 2 * Math.PI * turns;
  const rotation = [1, 0, 0, 0, Math.cos(angle), Math.sin(angle), 0, -Math.sin(angle), Math.cos(angle)];
  return multiply3(YIQ_TO_RGB, multiply3(rotation, RGB_TO_YIQ));
}

/** K: the sine part of the hue rotation, hueMatrix(t) = cos * I + (1 - cos) * 1 w^T + sin * K. */
export const CHROMA_ROTATION = multiply3(YIQ_TO_RGB, multiply3([0, 0, 0, 0, 0, 1, 0, -1, 0], RGB_TO_YIQ));

const CHROMA_ROTATION_TRANSPOSED = Float32Array.from(
  { length: 9 },
  (_, i) => CHROMA_ROTATION[(i % 3) * 3 + Math.floor(i / 3)]!,
);

/** One image's colour adjustment in the form above. */
export interface ColorCoefficients {
  scale: number;
  gray: number;
  rotation: number;
  /** Contrast factor c; the adjustment adds (1 - c) * (mean luma of the image). 1 = none. */
  contrast: number;
}

export const IDENTITY_COLOR: ColorCoefficients = { scale: 1, gray: 0, rotation: 0, contrast: 1 };
export const brightnessStep = (factor: number): ColorCoefficients => ({ ...IDENTITY_COLOR, scale: factor });
/** torchvision `adjust_contrast`: blend with the mean luma of the image. */
export const contrastStep = (factor: number): ColorCoefficients => ({
  ...IDENTITY_COLOR,
  scale: factor,
  contrast: factor,
});
/** torchvision `adjust_saturation`: blend with the luma image; 0 = gray, 1 = unchanged. */
export const saturationStep = (factor: number): ColorCoefficients => ({
  ...IDENTITY_COLOR,
  scale: factor,
  gray: 1 - factor,
});
/** Every channel becomes the luma (torchvision `RandomGrayscale` keeps 3 channels). */
export const grayscaleStep = (): ColorCoefficients => ({ ...IDENTITY_COLOR, scale: 0, gray: 1 });

/**
 * Hue shift by `turns` (-0.5..0.5) as a rotation in YIQ space, the linear form NVIDIA DALI's `Hsv`
 * operator uses (solo-learn's DALI loaders). torchvision shifts H in HSV instead: same direction
 * (red towards yellow for positive shifts), luma kept, not bit-identical. Out-of-gamut values clip.
 */
export function hueStep(turns: number): ColorCoefficients {
  const angle = 2 * Math.PI * turns;
  return { scale: Math.cos(angle), gray: 1 - Math.cos(angle), rotation: Math.sin(angle), contrast: 1 };
}

/** One colour step for a whole batch: the coefficients of every image as [B] arrays. */
export interface ColorStep {
  scale: Float32Array;
  gray: Float32Array;
  rotation: Float32Array;
  contrast: Float32Array;
}

/** A step that leaves every image of a batch of `batch` as it is. */
export function identityStep(batch: number): ColorStep {
  return {
    scale: new Float32Array(batch).fill(1),
    gray: new Float32Array(batch),
    rotation: new Float32Array(batch),
    contrast: new Float32Array(batch).fill(1),
  };
}

export function setCoefficients(step: ColorStep, image: number, coefficients: ColorCoefficients): void {
  step.scale[image] = coefficients.scale;
  step.gray[image] = coefficients.gray;
  step.rotation[image] = coefficients.rotation;
  step.contrast[image] = coefficients.contrast;
}

/** [B] values as [B, 1], to scale the rows of a [B, H*W*C] view (2-D broadcasts are the fast ones on wasm). */
const perImage = (values: Float32Array) => tf.tensor2d(values, [values.length, 1]);

// The luma of every pixel in each of its channels: x . LUMA_SPREAD = (w . x) [1, 1, 1].
const LUMA_SPREAD = Float32Array.from({ length: 9 }, (_, i) => LUMA_WEIGHTS[Math.floor(i / 3)]!);

/**
 * Applies one colour step to `pixels` [B, H, W, C] (C = 1 or 3) and clips to [0, 1], as torchvision
 * clamps after each adjustment. With one channel the luma is the channel itself and K is 0.
 */
export function applyColorStep(pixels: tf.Tensor4D, step: ColorStep, clip = true): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = pixels.shape;
    const usesGray = step.gray.some((value) => value !== 0);
    const usesContrast = step.contrast.some((value) => value !== 1);
    const usesRotation = channels === 3 && step.rotation.some((value) => value !== 0);
    const rows = pixels.reshape([batch, height * width * channels]);
    // One plain 2-D matmul over all pixels: fast on every backend, unlike per-image batched ones.
    const mix = (matrix: Float32Array) =>
      pixels
        .reshape([batch * height * width, 3])
        .matMul(tf.tensor2d(matrix, [3, 3]))
        .reshape([batch, height * width * 3]);
    const terms = [rows.mul(perImage(step.scale))];
    let offset: tf.Tensor | undefined;
    if (usesGray || usesContrast) {
      const luma = channels === 3 ? mix(LUMA_SPREAD) : rows;
      if (usesGray) terms.push(luma.mul(perImage(step.gray)));
      if (usesContrast) offset = luma.mean(1, true).mul(perImage(step.contrast.map((factor) => 1 - factor)));
    }
    if (usesRotation) terms.push(mix(CHROMA_ROTATION_TRANSPOSED).mul(perImage(step.rotation)));
    let result = terms.length === 1 ? terms[0]! : tf.addN(terms);
    if (offset) result = result.add(offset);
    if (clip) result = result.clipByValue(0, 1);
    return result.reshape([batch, height, width, channels]) as tf.Tensor4D;
  });
}

/**
 * Inverts the values >= 0.5 of the images whose `selected` entry is 1 (PIL `solarize(img, 128)`),
 * as x - s * relu(2x - 1): plain arithmetic, since broadcast boolean ops are slow on wasm.
 */
export function solarize(pixels: tf.Tensor4D, selected: Float32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = pixels.reshape([pixels.shape[0], -1]);
    return rows.sub(rows.mul(2).sub(1).relu().mul(perImage(selected))).reshape(pixels.shape) as tf.Tensor4D;
  });
}
