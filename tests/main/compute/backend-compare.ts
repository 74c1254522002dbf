import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';

/** Deterministic values in [-1, 1) (a small LCG), so both backends see identical inputs. */
export function seededValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < size; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Runs `compute` on `backendName` and returns the values, checking that no tensor or backend buffer leaks. */
export async function valuesOn(backendName: 'cpu' | 'wasm', compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backendName);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const result = compute();
  const values = (await result.data()) as Float32Array;
  result.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  return values;
}

/** Largest absolute difference, relative to the largest magnitude in the reference (at least 1). */
export function relativeMaxError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let difference = 0;
  let scale = 1;
  for (let index = 0; index < expected.length; index++) {
    difference = Math.max(difference, Math.abs((actual[index] as number) - (expected[index] as number)));
    scale = Math.max(scale, Math.abs(expected[index] as number));
  }
  return difference / scale;
}
