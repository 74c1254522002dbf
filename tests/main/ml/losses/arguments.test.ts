import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { barlowTwinsLoss } from '../../../../src-main/ml/losses/barlow-twins';
import { relaxedBarlowTwinsLoss } from '../../../../src-main/ml/losses/relaxed-barlow-twins';
import { relaxedVicregLoss } from '../../../../src-main/ml/losses/relaxed-vicreg';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { vicregLoss } from '../../../../src-main/ml/losses/vicreg';
import { useBackend } from './helpers';

const all = {
  bt: barlowTwinsLoss,
  vicreg: vicregLoss,
  'fft-bt': relaxedBarlowTwinsLoss,
  'fft-vicreg': relaxedVicregLoss,
} as const;

function withViews(
  shape1: [number, number],
  shape2: [number, number],
  run: (a: tf.Tensor2D, b: tf.Tensor2D) => void,
) {
  const a = tf.ones(shape1) as tf.Tensor2D;
  const b = tf.ones(shape2) as tf.Tensor2D;
  try {
    run(a, b);
  } finally {
    tf.dispose([a, b]);
  }
}

describe('argument errors name the loss and the argument', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(Object.entries(all))('%s: shape mismatch, N < 2, rank', (name, loss) => {
    withViews([4, 6], [4, 5], (a, b) =>
      expect(() => loss(a, b)).toThrow(
        new RegExp(`^${name}: z1 and z2 must have the same shape.*\\[4, 6\\].*\\[4, 5\\]`),
      ),
    );
    withViews([4, 6], [3, 6], (a, b) =>
      expect(() => loss(a, b)).toThrow(`${name}: z1 and z2 must have the same shape`),
    );
    withViews([1, 6], [1, 6], (a, b) =>
      expect(() => loss(a, b)).toThrow(
        `${name}: the batch size N (rows of z1, z2) must be at least 2, got 1`,
      ),
    );
    const flat = tf.ones([6]);
    expect(() => loss(flat as unknown as tf.Tensor2D, flat as unknown as tf.Tensor2D)).toThrow(
      `${name}: z1 must be a 2-D tensor`,
    );
    flat.dispose();
  });

  it.each([
    ['fft-bt', relaxedBarlowTwinsLoss],
    ['fft-vicreg', relaxedVicregLoss],
  ] as const)('%s: b out of range, q not in {1, 2}, bad permutation', (name, loss) => {
    withViews([4, 6], [4, 6], (a, b) => {
      for (const blockSize of [0, 7, 2.5, -1]) {
        expect(() => loss(a, b, { blockSize })).toThrow(
          `${name}: blockSize b must be an integer in [1, d = 6], got ${blockSize}`,
        );
      }
      for (const q of [0, 3, 1.5])
        expect(() => loss(a, b, { q })).toThrow(`${name}: q must be 1 or 2, got ${q}`);
      expect(() => loss(a, b, { permutation: Int32Array.from([0, 1, 2]) })).toThrow(
        `${name}: permutation must have length d = 6, got 3`,
      );
      expect(() => loss(a, b, { permutation: Int32Array.from([0, 1, 2, 3, 4, 4]) })).toThrow(
        `${name}: permutation must contain each of 0..5 exactly once`,
      );
      expect(() => loss(a, b, { scale: 0 })).toThrow(`${name}: scale must be a positive number, got 0`);
    });
  });

  it('exact losses reject bad weights', () => {
    withViews([4, 6], [4, 6], (a, b) => {
      expect(() => barlowTwinsLoss(a, b, { lambda: Number.NaN })).toThrow(
        'bt: lambda must be a non-negative number',
      );
      expect(() => vicregLoss(a, b, { varWeight: -1 })).toThrow(
        'vicreg: varWeight must be a non-negative number, got -1',
      );
    });
  });

  it('the registry passes the configuration through (block size larger than d fails at call time)', () => {
    const loss = createLoss({
      name: 'fft-bt',
      lambda: 0.0051,
      scale: 0.024,
      q: 2,
      blockSize: 64,
      permutation: 'batch',
    });
    withViews([4, 6], [4, 6], (a, b) =>
      expect(() => loss(a, b)).toThrow('fft-bt: blockSize b must be an integer in [1, d = 6], got 64'),
    );
    expect(() => createLoss({ name: 'nope' } as never)).toThrow("createLoss: unknown loss name 'nope'");
  });
});
