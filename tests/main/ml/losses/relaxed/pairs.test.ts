import { describe, expect, it } from 'vitest';
import { pairCrossSpectra } from '../../../../../src-main/ml/losses/relaxed/pairs';

/** One pair at a time, sums over n in order: what the blocked loop must equal bit for bit. */
function reference(x: Float32Array, y: Float32Array, rows: number, G: number, F: number, upper: boolean) {
  const out = new Float64Array(2 * G * G * F);
  for (let f = 0; f < F; f++)
    for (let g = 0; g < G; g++)
      for (let h = upper ? g : 0; h < G; h++) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < rows; n++) {
          const at = 2 * ((f * rows + n) * G);
          const [xr, xi] = [x[at + 2 * g]!, x[at + 2 * g + 1]!];
          const [yr, yi] = [y[at + 2 * h]!, y[at + 2 * h + 1]!];
          re += xr * yr + xi * yi;
          im += xr * yi - xi * yr;
        }
        out[2 * ((g * G + h) * F + f)] = re;
        out[2 * ((g * G + h) * F + f) + 1] = im;
      }
  return out;
}

describe('pairCrossSpectra', () => {
  it.each([
    [5, 1, 3],
    [7, 2, 4],
    [6, 3, 5],
    [9, 5, 2],
    [4, 8, 3],
  ])('rows %i, G %i, F %i: equals the one-pair loop exactly, lower pairs 0 when upper only', (rows, G, F) => {
    let seed = rows * 31 + G;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
    const x = Float32Array.from({ length: 2 * F * rows * G }, random);
    const y = Float32Array.from({ length: 2 * F * rows * G }, random);
    expect(pairCrossSpectra(x, y, rows, G, F, false)).toEqual(reference(x, y, rows, G, F, false));
    expect(pairCrossSpectra(x, x, rows, G, F, true)).toEqual(reference(x, x, rows, G, F, true));
  });
});
