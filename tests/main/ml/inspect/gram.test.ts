import { describe, expect, it } from 'vitest';
import { symmetricGram } from '../../../../src-main/ml/inspect/gram';
import { Random } from '../../../../src-main/ml/random';

describe('symmetric Gram in strips', () => {
  it.each([1, 2, 7, 13, 40])('side %i: every entry, both triangles, against float64', async (side) => {
    const n = 19;
    const random = new Random(side);
    const data = Float32Array.from({ length: side * n }, () => random.normal());
    const gram = await symmetricGram({ rows: side, n, data });
    for (let i = 0; i < side; i++)
      for (let j = 0; j < side; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += data[i * n + k]! * data[j * n + k]!;
        expect(Math.abs(gram[i * side + j]! - sum)).toBeLessThan(1e-5);
      }
  });
});
