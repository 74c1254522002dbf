import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerSettings } from '../../../../src-main/ml/optim/create-optimizer';
import type { OptimizerState } from '../../../../src-main/ml/optim/parameter-optimizer';

const settings: OptimizerSettings = {
  name: 'lars',
  momentum: 0.9,
  weightDecay: 1e-4,
  eta: 0.02,
  clipLars: true,
  excludeBiasAndNorm: true,
};

function variables(): tf.Variable[] {
  return [
    tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
    ),
    tf.variable(tf.tensor1d([0.5, -0.5])),
  ];
}

const gradients = (step: number) => [
  tf.tensor2d([
    [0.1 * step, -0.2],
    [0.3, 0.1],
  ]),
  tf.tensor1d([0.2, -0.1 * step]),
];

describe('optimizer state for checkpoints', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(['lars', 'sgd', 'adamw', 'adam'] as const)(
    '%s: a restored optimizer continues exactly like the original',
    async (name) => {
      const original = variables();
      const optimizer = createOptimizer(original, { ...settings, name });
      for (const step of [1, 2]) {
        const grads = gradients(step);
        optimizer.step(grads, 0.1);
        tf.dispose(grads);
      }
      // What a checkpoint would store: plain numbers.
      const state = optimizer.getState();
      const saved = {
        name: state.name,
        step: state.step,
        slots: Object.fromEntries(
          await Promise.all(
            Object.entries(state.slots).map(async ([slot, tensors]) => [
              slot,
              await Promise.all(tensors.map(async (t) => ({ shape: t.shape, values: await t.data() }))),
            ]),
          ),
        ) as Record<string, { shape: number[]; values: tf.TypedArray }[]>,
      };
      expect(saved.step).toBe(2);

      const copies = original.map((variable) => tf.variable(variable.clone()));
      const restored = createOptimizer(copies, { ...settings, name });
      const restoredState: OptimizerState = {
        name: saved.name,
        step: saved.step,
        slots: Object.fromEntries(
          Object.entries(saved.slots).map(([slot, list]) => [
            slot,
            list.map(({ shape, values }) => tf.tensor(values, shape)),
          ]),
        ),
      };
      restored.setState(restoredState);
      tf.dispose(Object.values(restoredState.slots));
      expect(restored.iterations).toBe(2);

      const tensorsBefore = tf.memory().numTensors;
      const grads = gradients(3);
      optimizer.step(grads, 0.05);
      restored.step(grads, 0.05);
      tf.dispose(grads);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      original.forEach((variable, index) => {
        expect(Array.from(copies[index]!.dataSync())).toEqual(Array.from(variable.dataSync()));
      });

      expect(() => restored.setState({ ...optimizer.getState(), name: 'other' })).toThrow(/'other'/);
      tf.dispose([original, copies]);
      optimizer.dispose();
      restored.dispose();
    },
  );
});
