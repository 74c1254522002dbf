import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/compute/backend';
import { twoRealSpectraWebGpu } from '../../../../../src-main/compute/webgpu-kernels/pair-spectra/two-real';
import { Random } from '../../../../../src-main/ml/random';
import { useSoftwareVulkan } from '../../../../helpers/webgpu';

/** Plain O(b^2) DFT of complex rows [rows][b] given as (re, im) arrays, float64. */
function dft(re: number[], im: number[]): [number[], number[]] {
  const b = re.length;
  const outRe = new Array<number>(b).fill(0);
  const outIm = new Array<number>(b).fill(0);
  for (let k = 0; k < b; k++)
    for (let j = 0; j < b; j++) {
      const angle = (-2 * Math.PI * ((j * k) % b)) / b;
      outRe[k]! += re[j]! * Math.cos(angle) - im[j]! * Math.sin(angle);
      outIm[k]! += re[j]! * Math.sin(angle) + im[j]! * Math.cos(angle);
    }
  return [outRe, outIm];
}

const interleave = (re: number[], im: number[]) => re.flatMap((value, i) => [value, im[i]!]);

describe('twoRealSpectraWebGpu (two real FFTs from one complex FFT)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  it.each([1, 2, 5, 8])(
    'separates fft(u) and fft(v) from fft(u + i v), b = %i, with the adjoint gradient',
    async (b) => {
      const random = new Random(b);
      const rows = 3;
      const z: number[] = [];
      const expected = { real: [] as number[], imaginary: [] as number[] };
      for (let n = 0; n < rows; n++) {
        const u = Array.from({ length: b }, () => random.normal());
        const v = Array.from({ length: b }, () => random.normal());
        z.push(...interleave(...dft(u, v)));
        expected.real.push(...interleave(...dft(u, new Array<number>(b).fill(0))));
        expected.imaginary.push(...interleave(...dft(v, new Array<number>(b).fill(0))));
      }
      for (const which of ['real', 'imaginary'] as const) {
        const zt = tf.tensor3d(z, [rows, b, 2]);
        const weights = tf.tensor3d(
          Array.from({ length: 2 * rows * b }, () => random.normal()),
          [rows, b, 2],
        );
        const value = twoRealSpectraWebGpu(zt, which);
        // the map is linear: <W, T z> = <T^T W, z>, which checks the gradient (the adjoint)
        const grad = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.mul(twoRealSpectraWebGpu(input, which), weights)),
        )(zt);
        const [actual, forward, adjoint] = await Promise.all([
          value.data(),
          tf.sum(tf.mul(value, weights)).data(),
          tf.sum(tf.mul(grad, zt)).data(),
        ]);
        const reference = expected[which];
        const scale = Math.max(...reference.map(Math.abs));
        reference.forEach((x, i) => expect(Math.abs(actual[i]! - x) / scale).toBeLessThan(1e-5));
        expect(Math.abs(adjoint[0]! - forward[0]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(forward[0]!)));
        tf.dispose([zt, weights, value, grad]);
      }
    },
  );
});
