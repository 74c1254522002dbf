import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import type { CropOptions } from './pipeline';

/** A crop in whole pixels of the source image: rows [top, top + height), columns [left, left + width). */
export interface PixelCrop {
  top: number;
  left: number;
  height: number;
  width: number;
}

const uniform = (random: Random, [low, high]: readonly [number, number]) =>
  low + (high - low) * random.next();

/**
 * torchvision's `RandomResizedCrop.get_params`: up to 10 tries at a crop of random area and aspect
 * ratio that fits, else a centre crop with the ratio clamped into range.
 */
export function drawCrop(random: Random, height: number, width: number, options: CropOptions): PixelCrop {
  const area = height * width;
  const logRatio: [number, number] = [Math.log(options.ratio[0]), Math.log(options.ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * uniform(random, options.scale);
    const aspect = Math.exp(uniform(random, logRatio));
    const cropWidth = Math.round(Math.sqrt(targetArea * aspect));
    const cropHeight = Math.round(Math.sqrt(targetArea / aspect));
    if (cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height) {
      const top = random.integer(height - cropHeight + 1);
      const left = random.integer(width - cropWidth + 1);
      return { top, left, height: cropHeight, width: cropWidth };
    }
  }
  const inputRatio = width / height;
  let cropWidth = width;
  let cropHeight = height;
  if (inputRatio < options.ratio[0]) cropHeight = Math.round(width / options.ratio[0]);
  else if (inputRatio > options.ratio[1]) cropWidth = Math.round(height * options.ratio[1]);
  return {
    top: Math.floor((height - cropHeight) / 2),
    left: Math.floor((width - cropWidth) / 2),
    height: cropHeight,
    width: cropWidth,
  };
}

/**
 * The normalised box `[y1, x1, y2, x2]` of `tf.image.cropAndResize` that samples the crop's first to
 * last pixel centres; a flip swaps x1 and x2, so cropping, resizing and flipping are one kernel.
 */
export function cropBox(crop: PixelCrop, height: number, width: number, flip: boolean): number[] {
  const rowScale = height > 1 ? 1 / (height - 1) : 0;
  const columnScale = width > 1 ? 1 / (width - 1) : 0;
  const y1 = crop.top * rowScale;
  const y2 = (crop.top + crop.height - 1) * rowScale;
  const x1 = crop.left * columnScale;
  const x2 = (crop.left + crop.width - 1) * columnScale;
  return flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
}

/**
 * Crops, resizes (bilinear) and flips every image of `pixels` [B, H, W, C] with its own box in one
 * `cropAndResize` call (it runs on cpu, wasm, webgl, webgpu and tensorflow).
 * Note: bilinear without antialiasing, so strong downscaling aliases (torchvision antialiases).
 */
export function resizedCrops(pixels: tf.Tensor4D, boxes: Float32Array, size: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const batch = pixels.shape[0];
    const boxIndices = tf.range(0, batch, 1, 'int32') as tf.Tensor1D;
    return tf.image.cropAndResize(pixels, tf.tensor2d(boxes, [batch, 4]), boxIndices, size, 'bilinear');
  });
}
