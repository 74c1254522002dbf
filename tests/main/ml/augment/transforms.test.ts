import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianKernel } from '../../../../src-main/ml/augment/blur';
import { CHROMA_ROTATION, hueMatrix, LUMA_WEIGHTS } from '../../../../src-main/ml/augment/color';
import { IDENTITY_PIPELINE, type AugmentationPipeline } from '../../../../src-main/ml/augment/pipeline';
import { augmentView, normalize } from '../../../../src-main/ml/augment/views';
import { Random } from '../../../../src-main/ml/random';

const SHAPE = [4, 8, 8, 3] as const;

/** A known batch: a smooth colour pattern in [low, high], different per image. */
function pattern(shape: readonly number[] = SHAPE, low = 0, high = 1): tf.Tensor4D {
  const [b, h, w, c] = shape as [number, number, number, number];
  const values = new Float32Array(b * h * w * c);
  for (let i = 0; i < values.length; i++) {
    const x = Math.floor(i / c) % w;
    const y = Math.floor(i / (c * w)) % h;
    const image = Math.floor(i / (c * w * h));
    const unit = (Math.sin(0.7 * x + 1.3 * y + 2.1 * (i % c) + image) + 1) / 2;
    values[i] = low + (high - low) * unit;
  }
  return tf.tensor4d(values, [b, h, w, c]);
}

const only = (options: Partial<AugmentationPipeline>): AugmentationPipeline => ({
  ...IDENTITY_PIPELINE,
  ...options,
});
const jitter = (options: Partial<NonNullable<AugmentationPipeline['colorJitter']>>) =>
  only({ colorJitter: { probability: 1, brightness: 0, contrast: 0, saturation: 0, hue: 0, ...options } });

/** Runs one view and returns input and output as nested arrays [b][y][x][c]. */
function run(pipeline: AugmentationPipeline, input = pattern(), seed = 1) {
  const output = augmentView(input, pipeline, new Random(seed));
  const result = { input: input.arraySync(), output: output.arraySync(), shape: output.shape };
  tf.dispose([input, output]);
  return result;
}

const flat = (value: unknown): number[] => (Array.isArray(value) ? value.flatMap(flat) : [value as number]);
const maxDifference = (a: unknown, b: unknown) => {
  const [x, y] = [flat(a), flat(b)];
  return Math.max(...x.map((value, i) => Math.abs(value - y[i]!)));
};
const luma = (pixel: number[]) => pixel.reduce((sum, value, c) => sum + value * LUMA_WEIGHTS[c]!, 0);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const variance = (values: number[]) => mean(values.map((value) => (value - mean(values)) ** 2));

describe.each(['cpu', 'wasm'])('augmentation transforms on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('flip mirrors the columns exactly', () => {
    const { input, output } = run(only({ flipProbability: 1 }));
    const mirrored = input.map((image) => image.map((row) => [...row].reverse()));
    expect(maxDifference(output, mirrored)).toBe(0);
  });

  it('a crop with scale 1 and ratio 1 is the identity; other crops keep shape and range', () => {
    const whole = run(only({ crop: { scale: [1, 1], ratio: [1, 1] } }));
    expect(maxDifference(whole.output, whole.input)).toBeLessThan(1e-6);
    const resized = run(only({ crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3], size: 5 } }));
    expect(resized.shape).toEqual([4, 5, 5, 3]);
    const values = flat(resized.output);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(
      maxDifference(
        resized.output,
        whole.input.map((image) => image.slice(0, 5).map((row) => row.slice(0, 5))),
      ),
    ).toBeGreaterThan(0.01);
  });

  it('grayscale makes the three channels equal to the luma', () => {
    const { input, output } = run(only({ grayscaleProbability: 1 }));
    output.forEach((image, b) =>
      image.forEach((row, y) =>
        row.forEach(([r, g, bl], x) => {
          expect(g).toBeCloseTo(r!, 6);
          expect(bl).toBeCloseTo(r!, 6);
          expect(r).toBeCloseTo(luma(input[b]![y]![x]!), 5);
        }),
      ),
    );
  });

  it('solarization inverts exactly the values >= 0.5', () => {
    const { input, output } = run(only({ solarizationProbability: 1 }));
    const expected = flat(input).map((value) => (value >= 0.5 ? 1 - value : value));
    expect(maxDifference(output, expected)).toBeLessThan(1e-6);
  });

  it('brightness scales every value of an image by one factor in [1 - b, 1 + b]', () => {
    const { input, output } = run(jitter({ brightness: 0.4 }), pattern(SHAPE, 0.05, 0.6));
    const factors = input.map((image, b) => {
      const ratios = flat(output[b]).map((value, i) => value / flat(image)[i]!);
      expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(1e-5);
      return mean(flat(output[b])) / mean(flat(image));
    });
    for (const factor of factors) expect(factor).toBeGreaterThanOrEqual(0.6 - 1e-6);
    for (const factor of factors) expect(factor).toBeLessThanOrEqual(1.4 + 1e-6);
    expect(new Set(factors.map((factor) => factor.toFixed(4))).size).toBe(4);
  });

  it('contrast keeps the mean luma and scales the spread', () => {
    const { input, output } = run(jitter({ contrast: 0.4 }), pattern(SHAPE, 0.3, 0.7));
    input.forEach((image, b) => {
      const before = flat(image).map((value) => value);
      const after = flat(output[b]);
      const lumaBefore = mean(image.flat().map((pixel) => luma(pixel)));
      const lumaAfter = mean(output[b]!.flat().map((pixel) => luma(pixel)));
      expect(lumaAfter).toBeCloseTo(lumaBefore, 5);
      const ratio = Math.sqrt(variance(after) / variance(before));
      expect(ratio).toBeGreaterThanOrEqual(0.6 - 1e-4);
      expect(ratio).toBeLessThanOrEqual(1.4 + 1e-4);
    });
  });

  it('saturation and hue keep the luma of every pixel', () => {
    for (const options of [{ saturation: 1 }, { hue: 0.5 }]) {
      const { input, output } = run(jitter(options), pattern(SHAPE, 0.35, 0.65));
      expect(maxDifference(output, input)).toBeGreaterThan(0.01);
      input.forEach((image, b) =>
        image.forEach((row, y) =>
          row.forEach((pixel, x) => expect(luma(output[b]![y]![x]!)).toBeCloseTo(luma(pixel), 4)),
        ),
      );
    }
  });

  it('jitter with probability 0 and a pipeline of only RGB steps on gray images change nothing', () => {
    const none = run(
      only({ colorJitter: { probability: 0, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 } }),
    );
    expect(maxDifference(none.output, none.input)).toBe(0);
    const gray = run(
      { ...jitter({ saturation: 0.8, hue: 0.5 }), grayscaleProbability: 1 },
      pattern([2, 6, 6, 1]),
    );
    expect(gray.shape).toEqual([2, 6, 6, 1]);
    expect(maxDifference(gray.output, gray.input)).toBe(0);
    const bright = run(jitter({ brightness: 0.4, contrast: 0.4 }), pattern([2, 6, 6, 1], 0.1, 0.5));
    expect(maxDifference(bright.output, bright.input)).toBeGreaterThan(0.01);
  });

  it('blur reduces the variance, keeps the mean and leaves constant images alone', () => {
    const { input, output } = run(only({ blur: { probability: 1, sigma: [1, 2] } }), pattern([2, 12, 12, 3]));
    input.forEach((image, b) => {
      expect(variance(flat(output[b]))).toBeLessThan(0.7 * variance(flat(image)));
      expect(mean(flat(output[b]))).toBeCloseTo(mean(flat(image)), 1);
    });
    const constant = run(
      only({ blur: { probability: 1, sigma: [0.5, 2] } }),
      tf.fill([2, 6, 6, 3], 0.3) as tf.Tensor4D,
    );
    expect(maxDifference(constant.output, constant.input)).toBeLessThan(1e-6);
  });

  it('normalization subtracts the mean and divides by the std per channel', () => {
    const input = pattern([1, 2, 2, 3]);
    const output = normalize(input, { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] });
    const expected = flat(input.arraySync()).map(
      (value, i) => (value - [0.5, 0.4, 0.3][i % 3]!) / [0.2, 0.25, 0.5][i % 3]!,
    );
    expect(maxDifference(output.arraySync(), expected)).toBeLessThan(1e-5);
    tf.dispose([input, output]);
  });
});

describe('colour and blur math', () => {
  it('the hue matrix is cos I + (1 - cos) 1 w^T + sin K and turns red towards yellow', () => {
    for (const turns of [-0.3, 0.1, 0.25]) {
      const matrix = hueMatrix(turns);
      const angle = 2 * Math.PI * turns;
      for (let i = 0; i < 9; i++) {
        const [row, column] = [Math.floor(i / 3), i % 3];
        const expected =
          Math.cos(angle) * (row === column ? 1 : 0) +
          (1 - Math.cos(angle)) * LUMA_WEIGHTS[column]! +
          Math.sin(angle) * CHROMA_ROTATION[i]!;
        expect(matrix[i]).toBeCloseTo(expected, 5);
      }
    }
    const red = hueMatrix(1 / 12);
    expect(red[3]).toBeGreaterThan(0); // green gains from red
    expect(red[0]).toBeGreaterThan(red[3]!);
  });

  it('Gaussian kernels are normalised, symmetric, and the identity for sigma 0', () => {
    const kernel = gaussianKernel(1.5, 4);
    expect(kernel.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 6);
    expect(kernel[0]).toBeCloseTo(kernel[8]!, 7);
    expect(Array.from(gaussianKernel(0, 2))).toEqual([0, 0, 1, 0, 0]);
  });
});
