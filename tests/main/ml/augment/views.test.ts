import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_PIPELINE, NORMALIZATIONS } from '../../../../src-main/ml/augment/pipeline';
import {
  AUGMENTATION_PRESET_NAMES,
  AUGMENTATION_PRESETS,
  augmentationPreset,
} from '../../../../src-main/ml/augment/presets';
import { imagesToTensor, makeViews } from '../../../../src-main/ml/augment/views';
import { Random } from '../../../../src-main/ml/random';

/** Deterministic uint8 images with some structure (not noise, so crops and blur matter). */
function images(shape: readonly [number, number, number, number]): Uint8Array {
  const [b, h, w, c] = shape;
  return Uint8Array.from({ length: b * h * w * c }, (_, i) => {
    const x = Math.floor(i / c) % w;
    const y = Math.floor(i / (c * w)) % h;
    return Math.round(
      127.5 + 127.5 * Math.sin(0.3 * x * (1 + (i % c)) + 0.2 * y + Math.floor(i / (c * w * h))),
    );
  });
}

async function views(
  shape: readonly [number, number, number, number],
  preset: string,
  seed: number,
  cropSize?: number,
) {
  const pipelines = augmentationPreset(preset, cropSize ? { cropSize } : {});
  const [first, second] = makeViews(images(shape), shape, pipelines, new Random(seed));
  const result = {
    first: (await first.data()) as Float32Array,
    second: (await second.data()) as Float32Array,
    shapes: [first.shape, second.shape],
  };
  tf.dispose([first, second]);
  return result;
}

function range(values: Float32Array): [number, number] {
  let [low, high] = [Infinity, -Infinity];
  for (const value of values) [low, high] = [Math.min(low, value), Math.max(high, value)];
  return [low, high];
}
const same = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

describe.each(['cpu', 'wasm'])('two views on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each([
    ['bt-cifar', [6, 32, 32, 3], 32],
    ['vicreg-cifar', [6, 32, 32, 3], 32],
    ['light', [6, 28, 28, 1], 28],
    ['bt-imagenet', [2, 40, 40, 3], 224],
  ] as const)('%s gives views of the right shape with values in [0, 1]', async (preset, shape, size) => {
    const result = await views(shape, preset, 3);
    expect(result.shapes).toEqual([
      [shape[0], size, size, shape[3]],
      [shape[0], size, size, shape[3]],
    ]);
    for (const view of [result.first, result.second]) {
      const [low, high] = range(view);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
    }
    expect(same(result.first, result.second)).toBe(false);
  });

  it('is reproducible under a seed and differs between seeds', async () => {
    const shape = [8, 16, 16, 3] as const;
    const [a, b, c] = [
      await views(shape, 'bt-cifar', 7),
      await views(shape, 'bt-cifar', 7),
      await views(shape, 'bt-cifar', 8),
    ];
    expect(same(a.first, b.first) && same(a.second, b.second)).toBe(true);
    expect(same(a.first, c.first)).toBe(false);
  });

  it('leaks no tensors', () => {
    const shape = [4, 16, 16, 3] as const;
    const before = tf.memory().numTensors;
    const pipelines = augmentationPreset('bt-imagenet', { cropSize: 12 });
    const [first, second] = makeViews(images(shape), shape, pipelines, new Random(1));
    tf.dispose([first, second]);
    imagesToTensor(images(shape), shape, NORMALIZATIONS.cifar10).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad shapes and pipelines with the reason', () => {
    const random = new Random(0);
    const identity = [IDENTITY_PIPELINE, IDENTITY_PIPELINE] as const;
    expect(() => makeViews(new Uint8Array(10), [1, 2, 2, 3], identity, random)).toThrow(
      /10 bytes do not match/,
    );
    expect(() => makeViews(new Uint8Array(8), [1, 2, 2, 2], identity, random)).toThrow(
      /1 or 3 channels, got 2/,
    );
    const bad = { ...IDENTITY_PIPELINE, flipProbability: 2 };
    expect(() => makeViews(new Uint8Array(12), [1, 2, 2, 3], [IDENTITY_PIPELINE, bad], random)).toThrow(
      /flipProbability must be in \[0, 1\], got 2/,
    );
    const normalized = { ...IDENTITY_PIPELINE, normalization: NORMALIZATIONS.cifar10 };
    expect(() => makeViews(new Uint8Array(4), [1, 2, 2, 1], [normalized, normalized], random)).toThrow(
      /normalization needs 1 mean and std values/,
    );
  });
});

describe('view reproducibility across backends and speed', () => {
  it('gives the same views on cpu and wasm for the same seed', async () => {
    const shape = [4, 16, 16, 3] as const;
    await tf.setBackend('cpu');
    const cpu = await views(shape, 'bt-imagenet', 11, 20);
    await tf.setBackend('wasm');
    const wasm = await views(shape, 'bt-imagenet', 11, 20);
    const [, difference] = range(cpu.first.map((value, i) => Math.abs(value - wasm.first[i]!)));
    expect(difference).toBeLessThan(1e-4);
  });

  it('augments a 256 x 32x32x3 batch into two views quickly on wasm', async () => {
    await tf.setBackend('wasm');
    const shape = [256, 32, 32, 3] as const;
    const batch = images(shape);
    const pipelines = augmentationPreset('bt-cifar');
    const random = new Random(0);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = performance.now();
      const [first, second] = makeViews(batch, shape, pipelines, random);
      await Promise.all([first.data(), second.data()]);
      times.push(performance.now() - start);
      tf.dispose([first, second]);
    }
    const best = Math.min(...times.slice(1));
    console.log(
      `makeViews bt-cifar 256x32x32x3 on wasm: ${times.map((time) => time.toFixed(0)).join(', ')} ms`,
    );
    expect(best).toBeLessThan(1000); // generous: about 60 ms when the machine is idle
  });
});

describe('augmentation presets', () => {
  it('hold solo-learn CIFAR and the paper ImageNet values', () => {
    const [btFirst, btSecond] = AUGMENTATION_PRESETS['bt-cifar'].views;
    expect(btFirst.crop).toEqual({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] });
    expect(btFirst.colorJitter).toEqual({
      probability: 0.8,
      brightness: 0.4,
      contrast: 0.4,
      saturation: 0.2,
      hue: 0.1,
    });
    expect([btFirst.grayscaleProbability, btFirst.flipProbability, btFirst.blur]).toEqual([
      0.2,
      0.5,
      undefined,
    ]);
    expect([btFirst.solarizationProbability, btSecond.solarizationProbability]).toEqual([0, 0.2]);
    const [vicreg] = AUGMENTATION_PRESETS['vicreg-cifar'].views;
    expect([vicreg.crop?.scale, vicreg.solarizationProbability]).toEqual([[0.2, 1], 0.1]);
    const [imageFirst, imageSecond] = AUGMENTATION_PRESETS['bt-imagenet'].views;
    expect([imageFirst.crop?.size, imageFirst.blur?.probability, imageSecond.blur?.probability]).toEqual([
      224, 1, 0.1,
    ]);
    expect(AUGMENTATION_PRESETS['vicreg-imagenet'].views[0].blur).toEqual({
      probability: 0.5,
      sigma: [0.1, 2],
    });
  });

  it('are looked up by name as copies, with an optional crop size', () => {
    expect(AUGMENTATION_PRESET_NAMES).toEqual([
      'bt-cifar',
      'vicreg-cifar',
      'bt-imagenet',
      'vicreg-imagenet',
      'light',
    ]);
    const [first] = augmentationPreset('bt-imagenet', { cropSize: 96 });
    expect(first.crop?.size).toBe(96);
    expect(AUGMENTATION_PRESETS['bt-imagenet'].views[0].crop?.size).toBe(224);
    expect(() => augmentationPreset('nope')).toThrow(/Unknown augmentation preset "nope"; known: bt-cifar/);
  });
});
