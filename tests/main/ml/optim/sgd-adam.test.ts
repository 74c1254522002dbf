import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../../src-main/ml/optim/adam';
import { Sgd } from '../../../../src-main/ml/optim/sgd';

const close = (values: number[]) => values.map((value) => expect.closeTo(value, 6));

describe('SGD with momentum (PyTorch semantics)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('adds weight decay to the gradient and accumulates momentum', () => {
    const weight = tf.variable(tf.tensor2d([[1, 2]]));
    const gradient = tf.tensor2d([[0.5, -1]]);
    const optimizer = new Sgd([weight], { momentum: 0.9, weightDecay: 0.1 });
    optimizer.step([gradient], 0.1);
    // d = g + 0.1 w = (0.6, -0.8); v = d; w -= 0.1 v
    expect(weight.arraySync()[0]).toEqual(close([0.94, 2.08]));
    optimizer.step([gradient], 0.1);
    // d = (0.594, -0.792); v = 0.9 (0.6, -0.8) + d = (1.134, -1.512)
    expect(weight.arraySync()[0]).toEqual(close([0.8266, 2.2312]));
    tf.dispose([weight, gradient]);
    optimizer.dispose();
  });

  it('takes the Nesterov step d + momentum * v', () => {
    const weight = tf.variable(tf.tensor2d([[1, 2]]));
    const gradient = tf.tensor2d([[0.5, -1]]);
    const optimizer = new Sgd([weight], { momentum: 0.9, weightDecay: 0.1, nesterov: true });
    optimizer.step([gradient], 0.1);
    // v = d = (0.6, -0.8); step = d + 0.9 v = (1.14, -1.52)
    expect(weight.arraySync()[0]).toEqual(close([0.886, 2.152]));
    tf.dispose([weight, gradient]);
    optimizer.dispose();
  });
});

describe('Adam and AdamW (PyTorch semantics)', () => {
  it('AdamW decays the weights before the bias-corrected Adam step', () => {
    const weight = tf.variable(tf.tensor2d([[1, -2]]));
    const optimizer = new AdamW([weight], { weightDecay: 0.01 });
    const tensorsBefore = tf.memory().numTensors;
    const first = tf.tensor2d([[0.1, 0.2]]);
    optimizer.step([first], 0.1);
    // step 1: m^ = g, v^ = g^2, so the step is lr * g / (|g| + eps) = 0.1 each; w (1 - 0.001) first
    expect(weight.arraySync()[0]).toEqual(close([0.899, -2.098]));
    const second = tf.tensor2d([[-0.1, 0.2]]);
    optimizer.step([second], 0.1);
    // m = (-0.001, 0.038), v = (1.999e-5, 7.996e-5); c1 = 0.19, c2 = 0.001999;
    // m^ = (-0.0052632, 0.2), sqrt(v^) = (0.1, 0.2)
    expect(weight.arraySync()[0]).toEqual(
      close([0.899 * 0.999 + (0.1 * 0.001) / 0.19 / 0.1, -2.098 * 0.999 - 0.1]),
    );
    tf.dispose([first, second]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose(weight);
    optimizer.dispose();
  });

  it('Adam adds L2 weight decay to the gradient instead', () => {
    const weight = tf.variable(tf.tensor2d([[1, -2]]));
    const gradient = tf.tensor2d([[0.1, 0.2]]);
    const optimizer = new Adam([weight], { weightDecay: 0.5 });
    optimizer.step([gradient], 0.1);
    // g' = g + 0.5 w = (0.6, -0.8): the first step moves each weight by lr against sign(g')
    expect(weight.arraySync()[0]).toEqual(close([0.9, -1.9]));
    expect(optimizer.name).toBe('adam');
    expect(new AdamW([]).name).toBe('adamw');
    tf.dispose([weight, gradient]);
    optimizer.dispose();
  });
});
