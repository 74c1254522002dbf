import { describe, expect, it } from 'vitest';
import {
  float16ToFloat32,
  float32ToFloat16,
  fromHalfBits,
  toHalfBits,
} from '../../../src-main/storage/float16';

describe('float16 conversion', () => {
  it('encodes known values: normals, the largest half, subnormals, zeros, infinities, NaN', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.5)).toBe(0x3800);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(3 * 2 ** -24)).toBe(0x0003);
    expect(toHalfBits(0)).toBe(0);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(toHalfBits(Infinity)).toBe(0x7c00);
    expect(toHalfBits(-Infinity)).toBe(0xfc00);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(1e-10)).toBe(0);
    const nan = toHalfBits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
    expect(fromHalfBits(nan)).toBeNaN();
  });

  it('rounds to nearest, ties to even, also across the subnormal and overflow edges', () => {
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie: down to the even 1.0
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: up to the even mantissa 2
    expect(toHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // past the tie
    expect(toHalfBits(65519)).toBe(0x7bff); // below the midpoint to 65536
    expect(toHalfBits(65520)).toBe(0x7c00); // the midpoint rounds to even: infinity
    expect(toHalfBits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal: 0
    expect(toHalfBits(1.5 * 2 ** -25)).toBe(1);
    expect(toHalfBits(2.5 * 2 ** -24)).toBe(2); // subnormal tie to even
    expect(toHalfBits(3.5 * 2 ** -24)).toBe(4);
    expect(toHalfBits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the smallest normal
    expect(toHalfBits(2047.5)).toBe(toHalfBits(2048)); // carry into the exponent
  });

  it('round-trips every half exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let i = 0; i < 65536; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN) expect(Number.isNaN(fromHalfBits(back[i]!))).toBe(true);
      else if (back[i] !== i)
        throw new Error(`half 0x${i.toString(16)} came back as 0x${back[i]!.toString(16)}`);
    }
  });

  it('picks the nearest half for random float32 values of every magnitude', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values = new Float32Array(20000).map(() => (next() - 0.5) * 2 ** (Math.floor(next() * 44) - 28));
    const halves = float32ToFloat16(values);
    const decoded = float16ToFloat32(halves);
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      const h = halves[i]!;
      const error = Math.abs(x - decoded[i]!);
      // Neither neighbour of the chosen half (same sign) is strictly nearer.
      for (const neighbour of [h - 1, h + 1]) {
        if ((neighbour & 0x7fff) > 0x7bff || (neighbour & 0x8000) !== (h & 0x8000)) continue;
        if (Math.abs(x - fromHalfBits(neighbour)) < error)
          throw new Error(`${x}: 0x${h.toString(16)} is not nearest`);
      }
      if (Math.abs(x) <= 65504) expect(Number.isFinite(decoded[i]!)).toBe(true);
    }
  });
});
