import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/compute/backend';
import { fftWebGpu } from '../../../../../src-main/compute/webgpu-kernels/fft';
import { createFftPlan } from '../../../../../src-main/ml/fft/plan';
import { useSoftwareVulkan } from '../../../../helpers/webgpu';
import { randomValues, referenceDft, relativeError } from './reference';

// float32 FFT error relative to the input row's norm grows like log2(b); measured values are
// about 1e-7 log2(b), so this bound has a few times headroom and still catches any wrong constant
const bound = (length: number): number => 1e-6 * Math.max(1, Math.log2(length));

async function checkLength(length: number, rows: number): Promise<void> {
  const x = randomValues(rows * length * 2, length * 7 + rows);
  const input = tf.tensor3d(x, [rows, length, 2]);
  for (const inverse of [false, true]) {
    const y = fftWebGpu(input, inverse);
    expect(y.shape).toEqual([rows, length, 2]);
    const error = relativeError(await y.data(), referenceDft(x, length, inverse), x, length);
    expect(error, `b = ${length}, ${inverse ? 'inverse' : 'forward'}`).toBeLessThan(bound(length));
    y.dispose();
  }
  input.dispose();
}

describe('fftWebGpu on SwiftShader against a float64 DFT', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    expect((await selectBackend('webgpu')).name).toBe('webgpu');
  });

  it('every length 1..64, forward and inverse', async () => {
    for (let length = 1; length <= 64; length++) await checkLength(length, 3);
  });

  it('powers of two up to 4096', async () => {
    for (let length = 128; length <= 4096; length *= 2) await checkLength(length, 2);
  });

  it.each([97, 127, 257, 1009, 4093])('prime %i (Bluestein)', async (length) => {
    await checkLength(length, 2);
  });

  it.each([360, 1000, 2310, 3000, 4095])('mixed length %i', async (length) => {
    await checkLength(length, 2);
  });

  it.each([32768, 13440, 8191])('long length %i against the float64 FFT of the ML core', async (length) => {
    const x = randomValues(2 * length * 2, length);
    const input = tf.tensor3d(x, [2, length, 2]);
    const plan = createFftPlan(length);
    for (const inverse of [false, true]) {
      const expected = new Float64Array(x.length);
      for (let row = 0; row < 2; row++) {
        // the inverse as conj(FFT(conj x))
        const part = x.subarray(2 * length * row, 2 * length * (row + 1));
        plan.input.set(part.map((v, i) => (inverse && i % 2 ? -v : v)));
        const y = plan.execute();
        expected.set(
          y.map((v, i) => (inverse && i % 2 ? -v : v)),
          2 * length * row,
        );
      }
      const y = fftWebGpu(input, inverse);
      const error = relativeError(await y.data(), expected, x, length);
      expect(error, `b = ${length}, ${inverse ? 'inverse' : 'forward'}`).toBeLessThan(bound(length));
      y.dispose();
    }
    input.dispose();
  });

  it('keeps leading axes and round-trips: ifft(fft(x)) / b = x', async () => {
    for (const length of [24, 13]) {
      const x = tf.tensor(randomValues(2 * 3 * length * 2, length), [2, 3, length, 2]);
      const spectrum = fftWebGpu(x, false);
      expect(spectrum.shape).toEqual([2, 3, length, 2]);
      const back = fftWebGpu(spectrum, true).div(length);
      expect(Math.max(...(await back.sub(x).abs().data()))).toBeLessThan(1e-5);
      tf.dispose([x, spectrum, back]);
    }
  });

  it('the gradient of each direction is the float64 adjoint: the other direction applied to dy', async () => {
    for (const length of [12, 13])
      for (const inverse of [false, true]) {
        const x = tf.tensor3d(randomValues(2 * length * 2, 1), [2, length, 2]);
        const weights = randomValues(2 * length * 2, 2);
        const w = tf.tensor3d(weights, [2, length, 2]);
        const grad = tf.grad((input: tf.Tensor) => fftWebGpu(input, inverse).mul(w).sum())(x);
        const error = relativeError(
          await grad.data(),
          referenceDft(weights, length, !inverse),
          weights,
          length,
        );
        expect(error, `b = ${length}, ${inverse ? 'inverse' : 'forward'}`).toBeLessThan(bound(length));
        tf.dispose([x, w, grad]);
      }
  });

  it('constants survive tf.tidy and are reused; no tensor is left behind', async () => {
    const x = tf.tensor2d(randomValues(2 * 60, 3), [60, 2]);
    const first = tf.tidy(() => fftWebGpu(x, false).sum());
    const before = tf.memory().numTensors;
    const second = tf.tidy(() => fftWebGpu(x, false).sum());
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(await second.data()).toEqual(await first.data());
    tf.dispose([x, first, second]);
  });

  it('a pass with more than 65535 x 64 invocations runs on a 2-D dispatch', async () => {
    const rows = 65535 * 64 + 3;
    const x = randomValues(rows * 4, 5);
    const y = await fftWebGpu(tf.tensor3d(x, [rows, 2, 2]), false).data();
    for (const row of [0, 1, rows - 2, rows - 1]) {
      const at = 4 * row;
      expect(y[at]).toBeCloseTo(x[at]! + x[at + 2]!, 6);
      expect(y[at + 3]).toBeCloseTo(x[at + 1]! - x[at + 3]!, 6);
    }
    let worst = 0;
    for (let at = 0; at < x.length; at += 4)
      worst = Math.max(worst, Math.abs(y[at + 2]! - (x[at]! - x[at + 2]!)));
    expect(worst).toBeLessThan(1e-6);
  });
});
