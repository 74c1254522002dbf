import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barlowTwinsLoss } from '../../../../src-main/ml/losses/barlow-twins';
import { relaxedBarlowTwinsLoss } from '../../../../src-main/ml/losses/relaxed-barlow-twins';
import { relaxedVicregLoss } from '../../../../src-main/ml/losses/relaxed-vicreg';
import type { LossOutput } from '../../../../src-main/ml/losses/types';
import { vicregLoss } from '../../../../src-main/ml/losses/vicreg';
import { Random } from '../../../../src-main/ml/random';
import { BACKENDS, randomViews, relativeError, relativeMaxError, useBackend } from './helpers';
import {
  finiteDifferenceGradients,
  referenceBarlowTwins,
  referenceRelaxedBarlowTwins,
  referenceRelaxedVicreg,
  referenceVicreg,
  type Matrix,
  type ReferenceParams,
  type ReferenceResult,
} from './reference';

type Ours = (z1: tf.Tensor2D, z2: tf.Tensor2D, p: ReferenceParams) => LossOutput;
type Reference = (z1: Matrix, z2: Matrix, p: ReferenceParams) => ReferenceResult;

/** Evaluates our loss (float32) with its gradients. */
function evaluate(ours: Ours, z1: Matrix, z2: Matrix, params: ReferenceParams) {
  return tf.tidy(() => {
    const terms: Record<string, number> = {};
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
      const output = ours(a as tf.Tensor2D, b as tf.Tensor2D, params);
      for (const [name, term] of Object.entries(output.terms)) terms[name] = term.dataSync()[0]!;
      return output.loss;
    })([tf.tensor2d(z1), tf.tensor2d(z2)]);
    return {
      loss: value.dataSync()[0]!,
      terms,
      grads: grads.map((grad) => grad.arraySync() as Matrix) as [Matrix, Matrix],
    };
  });
}

/** Loss, every term and both gradients against the float64 definitions (gradients by central differences). */
function expectMatchesReference(
  ours: Ours,
  reference: Reference,
  z1: Matrix,
  z2: Matrix,
  params: ReferenceParams,
): void {
  const actual = evaluate(ours, z1, z2, params);
  const expected = reference(z1, z2, params);
  expect(relativeError(actual.loss, expected.loss)).toBeLessThan(1e-4);
  expect(Object.keys(actual.terms).sort()).toEqual(Object.keys(expected.terms).sort());
  for (const [name, value] of Object.entries(expected.terms)) {
    expect(Math.abs(actual.terms[name]! - value), name).toBeLessThan(1e-4 * Math.max(Math.abs(value), 1e-3));
  }
  const [g1, g2] = finiteDifferenceGradients((a, b) => reference(a, b, params).loss, z1, z2);
  expect(relativeMaxError(actual.grads[0], g1)).toBeLessThan(1e-3);
  expect(relativeMaxError(actual.grads[1], g2)).toBeLessThan(1e-3);
}

const relaxedBt: Ours = (a, b, p) => relaxedBarlowTwinsLoss(a, b, p);
const relaxedVic: Ours = (a, b, p) => relaxedVicregLoss(a, b, p);

describe.each(BACKENDS)('losses against brute-force definitions on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => useBackend('cpu'));
  const n = 7;
  const d = 12;
  const [z1, z2] = randomViews(n, d, 11);
  const permutation = new Random(5).permutation(d);

  it('exact Barlow Twins', () => {
    expectMatchesReference((a, b, p) => barlowTwinsLoss(a, b, p), referenceBarlowTwins, z1, z2, {
      lambda: 0.05,
      scale: 0.5,
    });
  });

  it('exact VICReg', () => {
    expectMatchesReference((a, b, p) => vicregLoss(a, b, p), referenceVicreg, z1, z2, {});
  });

  // even divisor, odd divisor, padded (5 and 8 do not divide 12), b = 1, b = d
  const blockSizes = [4, 3, 5, 8, 1, d];
  for (const blockSize of blockSizes) {
    for (const q of [1, 2] as const) {
      for (const permuted of [false, true]) {
        const params = { q, blockSize, permutation: permuted ? permutation : null };
        const label = `b=${blockSize} q=${q} ${permuted ? 'permuted' : 'identity'}`;
        it(`sBT ${label}`, () =>
          expectMatchesReference(relaxedBt, referenceRelaxedBarlowTwins, z1, z2, {
            ...params,
            lambda: 0.05,
            scale: 0.5,
          }));
        it(`sVICReg ${label}`, () =>
          expectMatchesReference(relaxedVic, referenceRelaxedVicreg, z1, z2, params));
      }
    }
  }

  it('odd d with an odd, padded b and a power-of-two-free length (d = 15, b = 7)', () => {
    const [y1, y2] = randomViews(6, 15, 3);
    const params = { q: 2 as const, blockSize: 7, permutation: new Random(9).permutation(15) };
    expectMatchesReference(relaxedBt, referenceRelaxedBarlowTwins, y1, y2, {
      ...params,
      lambda: 0.05,
      scale: 0.5,
    });
    expectMatchesReference(relaxedVic, referenceRelaxedVicreg, y1, y2, params);
  });

  // b = d with d a power of two takes the WebAssembly SIMD paths: the whole kernel when N is a
  // multiple of 4, the SIMD transforms with padded lanes otherwise
  for (const rows of [8, 7]) {
    const [y1, y2] = randomViews(rows, 16, 30 + rows);
    for (const q of [1, 2] as const) {
      for (const permuted of [false, true]) {
        const params = { q, permutation: permuted ? new Random(rows).permutation(16) : null };
        const label = `N=${rows} d=b=16 q=${q} ${permuted ? 'permuted' : 'identity'} (SIMD)`;
        it(`sBT ${label}`, () =>
          expectMatchesReference(relaxedBt, referenceRelaxedBarlowTwins, y1, y2, {
            ...params,
            lambda: 0.05,
            scale: 0.5,
          }));
        it(`sVICReg ${label}`, () =>
          expectMatchesReference(relaxedVic, referenceRelaxedVicreg, y1, y2, params));
      }
    }
  }

  it('N = 2, the smallest batch', () => {
    const [y1, y2] = randomViews(2, 6, 4);
    expectMatchesReference(relaxedBt, referenceRelaxedBarlowTwins, y1, y2, {
      blockSize: 4,
      lambda: 0.05,
      scale: 0.5,
    });
    expectMatchesReference(relaxedVic, referenceRelaxedVicreg, y1, y2, { blockSize: 4 });
  });
});
