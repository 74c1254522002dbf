import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Lars } from '../../../../src-main/ml/optim/lars';

/** W = diag(3, 4) (norm 5) with gradient diag(0.6, 0.8) (norm 1), and a bias [1, -1] with gradient [0.5, 0.5]. */
function problem() {
  const weight = tf.variable(
    tf.tensor2d([
      [3, 0],
      [0, 4],
    ]),
  );
  const bias = tf.variable(tf.tensor1d([1, -1]));
  const gradients = [
    tf.tensor2d([
      [0.6, 0],
      [0, 0.8],
    ]),
    tf.tensor1d([0.5, 0.5]),
  ];
  return { weight, bias, gradients };
}

const created: tf.TensorContainer[] = [];
const track = <T extends tf.TensorContainer>(value: T): T => {
  created.push(value);
  return value;
};

describe('LARS (solo-learn semantics)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterEach(() => {
    tf.dispose(created);
    created.length = 0;
  });

  it('scales the decayed gradient by eta ||w|| / (||g|| + wd ||w||) and leaves the bias to plain momentum SGD', () => {
    const { weight, bias, gradients } = track(problem());
    const optimizer = new Lars([weight, bias], { momentum: 0.9, weightDecay: 0.1, eta: 0.02 });
    const tensorsBefore = tf.memory().numTensors;
    optimizer.step(gradients, 0.5);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // ratio = 0.02 * 5 / (1 + 0.1 * 5) = 1/15; d = ratio * (g + 0.1 W) = (0.06, 0.08); W -= 0.5 d
    expect(weight.arraySync()).toEqual([
      [expect.closeTo(2.97, 6), 0],
      [0, expect.closeTo(3.96, 6)],
    ]);
    // bias: rank 1, excluded from adaptation and weight decay: b -= 0.5 g
    expect(bias.arraySync()).toEqual([expect.closeTo(0.75, 6), expect.closeTo(-1.25, 6)]);

    optimizer.step(gradients, 0.5);
    // ||W1|| = 4.95; ratio = 0.02 * 4.95 / (1 + 0.495); v = 0.9 v1 + ratio * (g + 0.1 W1)
    const ratio = (0.02 * 4.95) / (1 + 0.495);
    const velocity = [0.9 * 0.06 + ratio * (0.6 + 0.297), 0.9 * 0.08 + ratio * (0.8 + 0.396)];
    const values = weight.arraySync();
    expect(values[0]![0]).toBeCloseTo(2.97 - 0.5 * velocity[0]!, 6);
    expect(values[1]![1]).toBeCloseTo(3.96 - 0.5 * velocity[1]!, 6);
    // bias: v = 0.9 g + g = 1.9 g
    expect(bias.arraySync()).toEqual([
      expect.closeTo(0.75 - 0.5 * 0.95, 6),
      expect.closeTo(-1.25 - 0.5 * 0.95, 6),
    ]);
    expect(optimizer.iterations).toBe(2);
    optimizer.dispose();
  });

  it('clips the adaptive rate at the global rate (clip_lars_lr)', () => {
    const small = track(problem());
    const clipped = new Lars([small.weight, small.bias], {
      momentum: 0.9,
      weightDecay: 0.1,
      eta: 0.02,
      clip: true,
    });
    // ratio / lr = (1/15) / 0.5 < 1: d = (2/15) (g + 0.1 W) = (0.12, 0.16); W -= 0.5 d
    clipped.step(small.gradients, 0.5);
    expect(small.weight.arraySync()).toEqual([
      [expect.closeTo(2.94, 6), 0],
      [0, expect.closeTo(3.92, 6)],
    ]);

    const large = track(problem());
    const capped = new Lars([large.weight, large.bias], {
      momentum: 0.9,
      weightDecay: 0.1,
      eta: 0.02,
      clip: true,
    });
    // ratio / lr = (1/15) / 0.01 > 1: d = g + 0.1 W = (0.9, 1.2); W -= 0.01 d
    capped.step(large.gradients, 0.01);
    expect(large.weight.arraySync()).toEqual([
      [expect.closeTo(2.991, 6), 0],
      [0, expect.closeTo(3.988, 6)],
    ]);
    clipped.dispose();
    capped.dispose();
  });

  it('adapts rank-1 variables too when excludeBiasAndNorm is off, and skips adaptation for a zero gradient', () => {
    const { weight, bias } = track(problem());
    const optimizer = new Lars([weight, bias], {
      momentum: 0,
      weightDecay: 0.1,
      eta: 0.02,
      excludeBiasAndNorm: false,
    });
    const gradients = track([tf.zeros([2, 2]), tf.tensor1d([0.5, 0.5])]);
    optimizer.step(gradients, 0.5);
    // zero gradient: d = g = 0, no weight decay either (solo-learn's norm check)
    expect(weight.arraySync()).toEqual([
      [3, 0],
      [0, 4],
    ]);
    // bias: ||b|| = sqrt(2), ||g|| = sqrt(0.5); ratio = 0.02 sqrt(2) / (sqrt(0.5) + 0.1 sqrt(2)); d = ratio (g + 0.1 b)
    const ratio = (0.02 * Math.SQRT2) / (Math.SQRT1_2 + 0.1 * Math.SQRT2);
    expect(bias.arraySync()).toEqual([
      expect.closeTo(1 - 0.5 * ratio * 0.6, 6),
      expect.closeTo(-1 - 0.5 * ratio * 0.4, 6),
    ]);
    optimizer.dispose();
  });

  it('takes gradients by variable name as tf.variableGrads returns them', () => {
    const { weight, bias } = track(problem());
    const optimizer = new Lars([weight, bias], { weightDecay: 0.1, eta: 0.02 });
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(weight, weight)).add(tf.sum(bias)) as tf.Scalar,
    );
    track([value, grads]);
    optimizer.step(grads, 0.1);
    expect(weight.arraySync()[0]![0]).toBeLessThan(3);
    expect(bias.arraySync()).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.1, 6)]);
    expect(() => optimizer.step({ other: grads[weight.name]! }, 0.1)).toThrow(/not one of its variables/);
    optimizer.dispose();
  });
});
