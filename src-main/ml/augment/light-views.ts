import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';

/** Options of the light two-view augmentation used by the foundation's training slice. */
export interface LightViewOptions {
  /** Crop area as a fraction of the image, drawn uniformly in this range. */
  cropScale: [number, number];
  flipProbability: number;
  /** Max relative change of brightness and contrast. */
  jitter: number;
}

export const DEFAULT_LIGHT_VIEWS: LightViewOptions = {
  cropScale: [0.35, 1],
  flipProbability: 0.5,
  jitter: 0.4,
};

/** One random resized crop box (y1, x1, y2, x2, normalised), flipped by swapping x1 and x2. */
function drawBox(random: Random, options: LightViewOptions): [number, number, number, number] {
  const [low, high] = options.cropScale;
  const area = low + (high - low) * random.next();
  const logRatio = Math.log(3 / 4) + (Math.log(4 / 3) - Math.log(3 / 4)) * random.next();
  const ratio = Math.exp(logRatio);
  const width = Math.min(1, Math.sqrt(area * ratio));
  const height = Math.min(1, Math.sqrt(area / ratio));
  const y1 = (1 - height) * random.next();
  const x1 = (1 - width) * random.next();
  const flip = random.next() < options.flipProbability;
  return flip ? [y1, x1 + width, y1 + height, x1] : [y1, x1, y1 + height, x1 + width];
}

/**
 * One augmented view of a batch of uint8 images [B, H, W, C] as float32 in [0, 1]:
 * random resized crop + horizontal flip in one cropAndResize, then brightness/contrast jitter.
 * Batched tensor ops, so it runs on any backend.
 */
export function lightView(
  images: Uint8Array,
  shape: [number, number, number, number],
  random: Random,
  options: LightViewOptions = DEFAULT_LIGHT_VIEWS,
): tf.Tensor4D {
  const [batch, height, width] = shape;
  const boxes = new Float32Array(batch * 4);
  const brightness = new Float32Array(batch);
  const contrast = new Float32Array(batch);
  for (let i = 0; i < batch; i++) {
    boxes.set(drawBox(random, options), i * 4);
    brightness[i] = 1 + options.jitter * (2 * random.next() - 1);
    contrast[i] = 1 + options.jitter * (2 * random.next() - 1);
  }
  return tf.tidy(() => {
    const pixels = tf.tensor4d(images, shape, 'int32').toFloat().div(255) as tf.Tensor4D;
    const boxIndices = tf.range(0, batch, 1, 'int32') as tf.Tensor1D;
    const cropped = tf.image.cropAndResize(pixels, tf.tensor2d(boxes, [batch, 4]), boxIndices, [
      height,
      width,
    ]);
    const mean = cropped.mean([1, 2, 3], true);
    const contrasted = cropped
      .sub(mean)
      .mul(tf.tensor(contrast, [batch, 1, 1, 1]))
      .add(mean);
    return contrasted.mul(tf.tensor(brightness, [batch, 1, 1, 1])).clipByValue(0, 1) as tf.Tensor4D;
  });
}
