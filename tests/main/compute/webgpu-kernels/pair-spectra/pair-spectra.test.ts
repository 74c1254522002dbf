import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/compute/backend';
import { pairSpectraWebGpu } from '../../../../../src-main/compute/webgpu-kernels/pair-spectra';
import { pairProductSlices } from '../../../../../src-main/compute/webgpu-kernels/pair-spectra/programs';
import { Random } from '../../../../../src-main/ml/random';
import { useSoftwareVulkan } from '../../../../helpers/webgpu';

/** Complex [N, G, b] values in a plain layout for the references: at(n, g, f) = [re, im]. */
type Spectra = Float64Array;

function randomValues(size: number, random: Random): Float32Array {
  return Float32Array.from({ length: size }, () => random.normal());
}

/**
 * Plain reference from the real form of R = sum_n conj(X) Y and W . R (W: weights of Re, Im):
 * Re R = sum xr yr + xi yi, Im R = sum xr yi - xi yr; the gradients are the partial derivatives
 * of sum W . R, written out per real component.
 */
function reference(x: Spectra, y: Spectra, w: Spectra, N: number, G: number, b: number, upper: boolean) {
  const r = new Float64Array(2 * G * G * b);
  const dx = new Float64Array(2 * N * G * b);
  const dy = new Float64Array(2 * N * G * b);
  const at = (n: number, g: number, f: number) => 2 * ((n * G + g) * b + f);
  for (let g = 0; g < G; g++)
    for (let h = 0; h < G; h++) {
      if (upper && h < g) continue;
      for (let f = 0; f < b; f++) {
        const p = 2 * ((g * G + h) * b + f);
        const [wr, wi] = [w[p]!, w[p + 1]!];
        for (let n = 0; n < N; n++) {
          const [xr, xi] = [x[at(n, g, f)]!, x[at(n, g, f) + 1]!];
          const [yr, yi] = [y[at(n, h, f)]!, y[at(n, h, f) + 1]!];
          r[p]! += xr * yr + xi * yi;
          r[p + 1]! += xr * yi - xi * yr;
          dx[at(n, g, f)]! += wr * yr + wi * yi;
          dx[at(n, g, f) + 1]! += wr * yi - wi * yr;
          dy[at(n, h, f)]! += wr * xr - wi * xi;
          dy[at(n, h, f) + 1]! += wr * xi + wi * xr;
        }
      }
    }
  return { r, dx, dy };
}

function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  let size = 0;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
    size = Math.max(size, Math.abs(expected[i]!));
  }
  return error / size;
}

async function evaluate(
  x: Float32Array,
  y: Float32Array | null,
  w: Float32Array,
  shape: number[],
  upper: boolean,
) {
  const [N, G, b] = shape as [number, number, number];
  const before = tf.memory().numTensors;
  const outputs = tf.tidy(() => {
    const xt = tf.tensor4d(x, [N, G, b, 2]);
    const yt = y ? tf.tensor4d(y, [N, G, b, 2]) : xt;
    const wt = tf.tensor4d(w, [G, G, b, 2]);
    const f = (a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(pairSpectraWebGpu(a, c, upper), wt));
    const r = pairSpectraWebGpu(xt, yt, upper);
    if (!y) return [r, tf.grad((a: tf.Tensor) => f(a, a))(xt)];
    const [gx, gy] = tf.grads(f)([xt, yt]);
    return [r, gx!, gy!];
  });
  const values = await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

describe('pairSpectraWebGpu (WGSL pair product and its gradients)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  it.each([
    [5, 1, 8],
    [3, 3, 5],
    [37, 2, 1],
    [4, 4, 3],
    [300, 1, 6],
    [70, 2, 9],
  ])('matches the plain reference for N %i, G %i, b %i (two views)', async (N, G, b) => {
    const random = new Random(N * 100 + G * 10 + b);
    const x = randomValues(2 * N * G * b, random);
    const y = randomValues(2 * N * G * b, random);
    const w = randomValues(2 * G * G * b, random);
    const [r, gx, gy] = await evaluate(x, y, w, [N, G, b], false);
    const expected = reference(
      Float64Array.from(x),
      Float64Array.from(y),
      Float64Array.from(w),
      N,
      G,
      b,
      false,
    );
    expect(maxError(r!, expected.r)).toBeLessThan(1e-6);
    expect(maxError(gx!, expected.dx)).toBeLessThan(1e-6);
    expect(maxError(gy!, expected.dy)).toBeLessThan(1e-6);
  });

  it('with the same tensor twice and upperOnly: lower pairs 0, both gradient paths added', async () => {
    const [N, G, b] = [40, 3, 4];
    const random = new Random(7);
    const x = randomValues(2 * N * G * b, random);
    const w = randomValues(2 * G * G * b, random);
    const [r, gx] = await evaluate(x, null, w, [N, G, b], true);
    const x64 = Float64Array.from(x);
    const expected = reference(x64, x64, Float64Array.from(w), N, G, b, true);
    expect(maxError(r!, expected.r)).toBeLessThan(1e-6);
    for (let g = 1; g < G; g++) for (let f = 0; f < b; f++) expect(r![2 * ((g * G + 0) * b + f)]).toBe(0);
    const both = expected.dx.map((value, i) => value + expected.dy[i]!);
    expect(maxError(gx!, both)).toBeLessThan(1e-6);
  });

  it('sums over sample slices only where there are few outputs and enough samples', () => {
    expect(pairProductSlices(16, 48, 1)).toBe(1);
    expect(pairProductSlices(37, 2, 1)).toBe(2);
    expect(pairProductSlices(70, 2, 9)).toBe(4);
    expect(pairProductSlices(300, 1, 6)).toBe(16);
    expect(pairProductSlices(256, 1, 8192)).toBe(16);
    expect(pairProductSlices(256, 64, 128)).toBe(1);
  });

  it('rejects spectra of the wrong shape', () => {
    const bad = tf.zeros([2, 3, 4]);
    expect(() => pairSpectraWebGpu(bad, bad)).toThrow(/pairSpectraWebGpu: x must be float32 \[N, G, b, 2\]/);
    bad.dispose();
  });
});
