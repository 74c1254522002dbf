import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lossConfigSchema, type LossConfig } from '../../../../src-shared/config/run-config';
import { barlowTwinsLoss } from '../../../../src-main/ml/losses/barlow-twins';
import { relaxedBarlowTwinsLoss } from '../../../../src-main/ml/losses/relaxed-barlow-twins';
import { createLoss, drawPermutation, type LossFunction } from '../../../../src-main/ml/losses/registry';
import { setSimdEnabled } from '../../../../src-main/ml/losses/relaxed/block-spectra';
import { Random } from '../../../../src-main/ml/random';
import { BACKENDS, randomViews, relativeError, relativeMaxError, useBackend } from './helpers';

function valueAndGrads(
  loss: LossFunction,
  z1: number[][],
  z2: number[][],
  permutation: Int32Array | null = null,
) {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(
      (a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D, { permutation }).loss,
    )([tf.tensor2d(z1), tf.tensor2d(z2)]);
    return {
      loss: value.dataSync()[0]!,
      g1: grads[0]!.arraySync() as number[][],
      g2: grads[1]!.arraySync() as number[][],
    };
  });
}

const configs: LossConfig[] = [
  lossConfigSchema.parse({ name: 'bt' }),
  lossConfigSchema.parse({ name: 'vicreg' }),
  lossConfigSchema.parse({ name: 'fft-bt', q: 2 }),
  lossConfigSchema.parse({ name: 'fft-bt', q: 1, blockSize: 5 }),
  lossConfigSchema.parse({ name: 'fft-vicreg', q: 1 }),
  lossConfigSchema.parse({ name: 'fft-vicreg', q: 2, blockSize: 4 }),
];
const describeConfig = (config: LossConfig) => JSON.stringify(config);

describe.each(BACKENDS)('loss properties on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => useBackend('cpu'));
  const [z1, z2] = randomViews(9, 14, 21);
  const permutation = new Random(2).permutation(14);

  it('sBT with b = 1, q = 2 is exactly Barlow Twins (loss and gradients), with or without permutation', () => {
    const exact = valueAndGrads((a, b) => barlowTwinsLoss(a, b, { lambda: 0.01, scale: 0.1 }), z1, z2);
    for (const p of [null, permutation]) {
      const relaxed = valueAndGrads(
        (a, b, o) =>
          relaxedBarlowTwinsLoss(a, b, {
            lambda: 0.01,
            scale: 0.1,
            q: 2,
            blockSize: 1,
            permutation: o?.permutation,
          }),
        z1,
        z2,
        p,
      );
      expect(relativeError(relaxed.loss, exact.loss)).toBeLessThan(1e-5);
      expect(relativeMaxError(relaxed.g1, exact.g1)).toBeLessThan(1e-4);
      expect(relativeMaxError(relaxed.g2, exact.g2)).toBeLessThan(1e-4);
    }
  });

  it.each(configs.map((config) => [describeConfig(config), config] as const))(
    'is symmetric in the two views: %s',
    (_, config) => {
      const loss = createLoss(config);
      const forward = valueAndGrads(loss, z1, z2, permutation);
      const swapped = valueAndGrads(loss, z2, z1, permutation);
      expect(relativeError(swapped.loss, forward.loss)).toBeLessThan(1e-5);
      expect(relativeMaxError(swapped.g1, forward.g2)).toBeLessThan(1e-4);
      expect(relativeMaxError(swapped.g2, forward.g1)).toBeLessThan(1e-4);
    },
  );

  it('the WebAssembly SIMD paths (b = d a power of two) agree with the plain JS kernels', () => {
    for (const rows of [8, 6]) {
      const [y1, y2] = randomViews(rows, 32, rows);
      for (const name of ['fft-bt', 'fft-vicreg'] as const) {
        for (const q of [1, 2] as const) {
          const loss = createLoss(lossConfigSchema.parse({ name, q }));
          const p = new Random(q).permutation(32);
          const simd = valueAndGrads(loss, y1, y2, p);
          setSimdEnabled(false);
          const plain = valueAndGrads(loss, y1, y2, p);
          setSimdEnabled(true);
          expect(relativeError(simd.loss, plain.loss)).toBeLessThan(1e-5);
          expect(relativeMaxError(simd.g1, plain.g1)).toBeLessThan(1e-5);
          expect(relativeMaxError(simd.g2, plain.g2)).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('interleaved calls (forward A, forward B, backward A, backward B) keep their own state', () => {
    const [a1, a2] = randomViews(8, 64, 1);
    const [b1, b2] = randomViews(12, 32, 2);
    const losses = [
      createLoss(lossConfigSchema.parse({ name: 'fft-bt' })),
      createLoss(lossConfigSchema.parse({ name: 'fft-vicreg', q: 1 })),
    ];
    for (const loss of losses) {
      const expectedA = valueAndGrads(loss, a1, a2, null);
      const expectedB = valueAndGrads(loss, b1, b2, null);
      const grads = tf.tidy(() => {
        const ta = [tf.tensor2d(a1), tf.tensor2d(a2)] as const;
        const tb = [tf.tensor2d(b1), tf.tensor2d(b2)] as const;
        // one tape with both losses: their forward passes run before either backward pass
        const all = tf.grads((x1: tf.Tensor, x2: tf.Tensor, y1: tf.Tensor, y2: tf.Tensor) =>
          tf.add(
            loss(x1 as tf.Tensor2D, x2 as tf.Tensor2D).loss,
            loss(y1 as tf.Tensor2D, y2 as tf.Tensor2D).loss,
          ),
        )([...ta, ...tb]);
        return all.map((g) => g.arraySync() as number[][]);
      });
      expect(relativeMaxError(grads[0]!, expectedA.g1)).toBeLessThan(1e-5);
      expect(relativeMaxError(grads[1]!, expectedA.g2)).toBeLessThan(1e-5);
      expect(relativeMaxError(grads[2]!, expectedB.g1)).toBeLessThan(1e-5);
      expect(relativeMaxError(grads[3]!, expectedB.g2)).toBeLessThan(1e-5);
    }
  });

  it('b = 1 makes the relaxed losses permutation-invariant', () => {
    for (const name of ['fft-bt', 'fft-vicreg'] as const) {
      const loss = createLoss(lossConfigSchema.parse({ name, q: 1, blockSize: 1 }));
      const plain = valueAndGrads(loss, z1, z2, null);
      const permuted = valueAndGrads(loss, z1, z2, permutation);
      expect(relativeError(permuted.loss, plain.loss)).toBeLessThan(1e-5);
      expect(relativeMaxError(permuted.g1, plain.g1)).toBeLessThan(1e-4);
    }
  });

  it.each(configs.map((config) => [describeConfig(config), config] as const))(
    'leaks no tensors: %s',
    (_, config) => {
      const loss = createLoss(config);
      const a = tf.tensor2d(z1);
      const b = tf.tensor2d(z2);
      const before = tf.memory().numTensors;
      const output = loss(a, b, { permutation });
      expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(output.terms).length);
      tf.dispose([output.loss, ...Object.values(output.terms)]);
      expect(tf.memory().numTensors).toBe(before);
      const { value, grads } = tf.valueAndGrads(
        (x: tf.Tensor, y: tf.Tensor) => loss(x as tf.Tensor2D, y as tf.Tensor2D, { permutation }).loss,
      )([a, b]);
      tf.dispose([value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b]);
    },
  );

  it.each(configs.map((config) => [describeConfig(config), config] as const))(
    'goes down over a few optimizer steps on a toy problem: %s',
    (_, config) => {
      // a linear projector of two noisy views of the same inputs; a fresh permutation each step
      const random = new Random(7);
      const [x1, x2] = randomViews(32, 10, 8);
      const weights = tf.variable(tf.randomNormal([10, 16], 0, 0.3, 'float32', 3));
      const loss = createLoss(config);
      const optimizer = tf.train.adam(0.01);
      const input1 = tf.tensor2d(x1);
      const input2 = tf.tensor2d(x2);
      const evaluate = (p: Int32Array | null) =>
        tf.tidy(
          () =>
            loss(tf.matMul(input1, weights), tf.matMul(input2, weights), {
              permutation: p,
            }).loss.dataSync()[0]!,
        );
      const fixedPermutation = drawPermutation(config, 16, new Random(1));
      const start = evaluate(fixedPermutation);
      for (let step = 0; step < 30; step++) {
        const p = drawPermutation(config, 16, random);
        optimizer.minimize(
          () => loss(tf.matMul(input1, weights), tf.matMul(input2, weights), { permutation: p }).loss,
        );
      }
      const end = evaluate(fixedPermutation);
      expect(end).toBeLessThan(start * 0.9);
      tf.dispose([weights, input1, input2]);
      optimizer.dispose();
    },
  );
});

describe('drawPermutation', () => {
  it('draws a fresh, reproducible permutation per step for permutation: batch, and null otherwise', () => {
    const batch = lossConfigSchema.parse({ name: 'fft-bt' });
    const first = new Random(42);
    const second = new Random(42);
    const a = drawPermutation(batch, 50, first)!;
    const b = drawPermutation(batch, 50, first)!;
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(b);
    expect(drawPermutation(batch, 50, second)).toEqual(a);
    expect(
      drawPermutation(lossConfigSchema.parse({ name: 'fft-vicreg', permutation: 'none' }), 50, first),
    ).toBeNull();
    expect(drawPermutation(lossConfigSchema.parse({ name: 'bt' }), 50, first)).toBeNull();
  });
});
