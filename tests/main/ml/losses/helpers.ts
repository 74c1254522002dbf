import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Random } from '../../../../src-main/ml/random';

/** The backends every loss test runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  await tf.ready();
}

/**
 * Two correlated views [n][d], float32-representable so the float64 references see exactly
 * what the tensors hold; column scales 0.5..1.5 put some stds below and some above 1.
 */
export function randomViews(n: number, d: number, seed: number): [number[][], number[][]] {
  const random = new Random(seed);
  const scale = (j: number) => 0.5 + (d > 1 ? j / (d - 1) : 0);
  const z1 = Array.from({ length: n }, () =>
    Array.from({ length: d }, (_, j) => Math.fround(random.normal() * scale(j))),
  );
  const z2 = z1.map((row) =>
    row.map((value, j) => Math.fround(0.8 * value + 0.6 * random.normal() * scale(j))),
  );
  return [z1, z2];
}

/** max |a - b| / max |b| over two [n][d] arrays. */
export function relativeMaxError(actual: number[][], expected: number[][]): number {
  let error = 0;
  let size = 0;
  expected.forEach((row, i) =>
    row.forEach((value, j) => {
      error = Math.max(error, Math.abs(actual[i]![j]! - value));
      size = Math.max(size, Math.abs(value));
    }),
  );
  return error / size;
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
}
