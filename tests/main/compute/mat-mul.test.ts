import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src-main/compute/wasm-kernels';
import { prefersSwappedProduct } from '../../../src-main/compute/wasm-kernels/batch-mat-mul';
import { relativeMaxError, seededValues, valuesOn } from './backend-compare';

interface ProductCase {
  /** Shapes as multiplied, i.e. after the transposes; the tensors are built transposed where asked. */
  a: number[];
  b: number[];
}

const products: ProductCase[] = [
  { a: [5, 7], b: [7, 6] },
  { a: [3, 5, 7], b: [3, 7, 6] },
  { a: [3, 40, 33], b: [3, 33, 41] },
  { a: [2, 2, 33, 33], b: [2, 2, 33, 33] },
  { a: [2, 3, 5, 7], b: [7, 6] },
  { a: [4, 9, 8], b: [1, 8, 3] },
  { a: [5, 7], b: [4, 7, 6] },
  { a: [2, 1, 5, 7], b: [1, 3, 7, 6] },
  // small left, large right: with transposeB the swapped form C^T = B A^T is taken
  { a: [4, 64], b: [64, 256] },
];
const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
const cases = products.flatMap((product) =>
  transposes.map(([transposeA, transposeB]) => ({ ...product, transposeA, transposeB })),
);

/** `shape` with its last two axes swapped when `transposed`. */
function stored(shape: number[], transposed: boolean): number[] {
  if (!transposed) return shape;
  const swapped = shape.slice();
  swapped[shape.length - 2] = shape[shape.length - 1] as number;
  swapped[shape.length - 1] = shape[shape.length - 2] as number;
  return swapped;
}

function operands(c: (typeof cases)[number]): [tf.Tensor, tf.Tensor] {
  const aShape = stored(c.a, c.transposeA);
  const bShape = stored(c.b, c.transposeB);
  return [
    tf.tensor(seededValues(tf.util.sizeFromShape(aShape), 11), aShape),
    tf.tensor(seededValues(tf.util.sizeFromShape(bShape), 12), bShape),
  ];
}

describe('wasm training kernels: matrix products match the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each(cases)('BatchMatMul $a x $b, transposeA $transposeA, transposeB $transposeB', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const [a, b] = operands(c);
        return tf.matMul(a, b, c.transposeA, c.transposeB);
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
  });

  it.each(cases.filter((c) => c.b.length <= 3 && c.a.length <= 3))(
    '_FusedMatMul with bias and relu $a x $b, transposeA $transposeA, transposeB $transposeB',
    async (c) => {
      const compute = () =>
        tf.tidy(() => {
          const [a, b] = operands(c);
          const bias = tf.tensor1d(seededValues(c.b[c.b.length - 1] as number, 13));
          return tf.fused.matMul({
            a,
            b,
            transposeA: c.transposeA,
            transposeB: c.transposeB,
            bias,
            activation: 'relu',
          });
        });
      const expected = await valuesOn('cpu', compute);
      const actual = await valuesOn('wasm', compute);
      expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
    },
  );

  it('swaps the product for dy W^T, not for x^T dy or z^T z', () => {
    const [batch, inputs, outputs] = [128, 2048, 2048];
    expect(prefersSwappedProduct(batch * outputs, inputs * outputs, batch * inputs, false, true)).toBe(true);
    expect(prefersSwappedProduct(batch * inputs, batch * outputs, inputs * outputs, true, false)).toBe(false);
    expect(prefersSwappedProduct(256 * 8192, 256 * 8192, 8192 * 8192, true, false)).toBe(false);
  });

  it('gives the same dense-layer gradients as cpu', async () => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(seededValues(16 * 20, 14), [16, 20]);
        const kernel = tf.tensor2d(seededValues(20 * 12, 15), [20, 12]);
        const bias = tf.tensor1d(seededValues(12, 16));
        const gradients = tf.grads((input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.fused
            .matMul({ a: input as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' })
            .square()
            .sum(),
        )([x, kernel, bias]);
        return tf.concat(gradients.map((gradient) => gradient.flatten()));
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
  });
});

describe('wasm training kernels: UnsortedSegmentSum (gradient of gather) matches the cpu backend', () => {
  it('sums rows with repeated segment ids and leaves empty segments at zero', async () => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(seededValues(6 * 2 * 3, 17), [6, 2, 3]);
        const ids = tf.tensor1d([4, 0, 4, 2, 0, 4], 'int32');
        return tf.unsortedSegmentSum(x, ids, 6);
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-6);
  });

  it('gives the gradient of a feature permutation', async () => {
    const compute = () =>
      tf.tidy(() => {
        const z = tf.tensor2d(seededValues(4 * 8, 18), [4, 8]);
        const permutation = tf.tensor1d([3, 1, 7, 0, 5, 2, 6, 4], 'int32');
        const weights = tf.tensor2d(seededValues(4 * 8, 19), [4, 8]);
        return tf.grad((input: tf.Tensor) => tf.gather(input, permutation, 1).mul(weights).sum())(z);
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-6);
  });
});
