import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src-main/compute/wasm-kernels';
import { permute, simplifyPermutation } from '../../../src-main/compute/wasm-kernels/permute';
import { simdPlaneCopy } from '../../../src-main/compute/wasm-kernels/simd-transpose';
import { prefersTiledTranspose } from '../../../src-main/compute/wasm-kernels/transpose';
import { heapAccess } from '../../../src-main/compute/wasm-kernels/heap';
import { seededValues, valuesOn } from './backend-compare';

const cases: [number[], number[]][] = [
  [
    [5, 7],
    [1, 0],
  ],
  [
    [70, 33],
    [1, 0],
  ],
  [
    [3, 40, 37],
    [0, 2, 1],
  ],
  [
    [3, 4, 5],
    [2, 0, 1],
  ],
  [
    [3, 4, 5],
    [1, 0, 2],
  ],
  [
    [3, 4, 5],
    [2, 1, 0],
  ],
  [
    [2, 9, 8, 3],
    [3, 1, 2, 0],
  ],
  [
    [9, 8, 2, 5],
    [1, 2, 0, 3],
  ],
  [
    [3, 3, 4, 6],
    [0, 1, 3, 2],
  ],
  [
    [2, 1, 5, 1, 3],
    [4, 2, 0, 3, 1],
  ],
  [
    [2, 3, 2, 3, 2, 2],
    [5, 3, 1, 0, 2, 4],
  ],
  [
    [1, 1, 1],
    [2, 0, 1],
  ],
  [
    [4, 6],
    [0, 1],
  ],
];

describe('wasm training kernels: tiled Transpose matches the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each(cases)('tiled permute of %j by %j equals tf.transpose on cpu', async (shape, perm) => {
    const values = seededValues(tf.util.sizeFromShape(shape), 21);
    const output = new Float32Array(values.length);
    permute(values, shape, perm, output);
    const expected = await valuesOn('cpu', () => tf.tidy(() => tf.transpose(tf.tensor(values, shape), perm)));
    expect(Array.from(output)).toEqual(Array.from(expected));
  });

  it.each([
    [
      [64, 4096],
      [1, 0],
    ],
    [
      [64, 16, 16, 128],
      [3, 1, 2, 0],
    ],
    [
      [8, 3, 300, 300],
      [0, 1, 3, 2],
    ],
    // sides that are not multiples of 4: the SIMD blocks plus the copied edges
    [
      [515, 517],
      [1, 0],
    ],
    [
      [6, 403, 1029],
      [0, 2, 1],
    ],
  ])('the wasm kernel takes the tiled path for large %j by %j and matches cpu', async (shape, perm) => {
    expect(prefersTiledTranspose(shape, perm)).toBe(true);
    const compute = () =>
      tf.tidy(() => tf.transpose(tf.tensor(seededValues(tf.util.sizeFromShape(shape), 22), shape), perm));
    expect(Array.from(await valuesOn('wasm', compute))).toEqual(Array.from(await valuesOn('cpu', compute)));
  });

  it('moves 4-byte planes with the WebAssembly SIMD kernel on the heap, not in JS', async () => {
    await tf.setBackend('wasm');
    const tensor = tf.zeros([4, 4]);
    const heap = heapAccess(tf.backend()).typedArrayFromHeap(tensor) as Float32Array;
    expect(simdPlaneCopy(tf.backend(), heap, heap)).toBeTypeOf('function');
    // arrays outside the heap cannot be reached from wasm
    expect(simdPlaneCopy(tf.backend(), new Float32Array(16), heap)).toBeUndefined();
    tensor.dispose();
  });

  it('leaves small and row-preserving permutations to the stock kernel', () => {
    expect(prefersTiledTranspose([128, 14, 14, 64], [3, 1, 2, 0])).toBe(false);
    expect(prefersTiledTranspose([256, 32, 32, 64], [1, 2, 0, 3])).toBe(false);
    expect(prefersTiledTranspose([256, 32, 32, 64], [3, 1, 2, 0])).toBe(true);
  });

  it('int32 and bool tensors', async () => {
    const compute = () =>
      tf.tidy(() => {
        const ints = tf.range(0, 512 * 600, 1, 'int32').reshape([512, 600]);
        const flags = tf.greater(ints, 1000);
        return tf.concat([tf.transpose(ints).flatten(), tf.transpose(flags).cast('int32').flatten()]);
      });
    expect(Array.from(await valuesOn('wasm', compute))).toEqual(Array.from(await valuesOn('cpu', compute)));
  });

  it('simplifies shapes before permuting: drops size-1 axes and merges axes that move together', () => {
    expect(simplifyPermutation([2, 3, 4, 5], [0, 3, 1, 2])).toEqual({ shape: [2, 12, 5], perm: [0, 2, 1] });
    expect(simplifyPermutation([2, 1, 5], [2, 1, 0])).toEqual({ shape: [2, 5], perm: [1, 0] });
    expect(simplifyPermutation([3, 4], [0, 1])).toEqual({ shape: [12], perm: [0] });
  });
});
