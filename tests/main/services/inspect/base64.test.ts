import { describe, expect, it } from 'vitest';
import { decodeFloat32, encodeFloat32 } from '@shared/inspect';
import { decodeFloat32Fast, encodeFloat32Fast } from '../../../../src-main/services/inspect/base64';

describe('native float32 base64', () => {
  it('writes the same text as the shared encoder and reads it back, for every padding and special value', () => {
    const specials = [0, -0, 1, -1.5, NaN, Infinity, -Infinity, 3.4e38, 1e-45];
    for (const length of [0, 1, 2, 3, 4, 5, 7, 1000]) {
      const values = Float32Array.from(
        { length },
        (_, i) => specials[i % specials.length]! * (i + 1) + i / 7,
      );
      // A view at an offset: the bytes of the view only.
      const padded = new Float32Array(length + 2);
      padded.set(values, 1);
      const view = padded.subarray(1, 1 + length);
      const text = encodeFloat32Fast(view);
      expect(text).toBe(encodeFloat32(values));
      expect(Array.from(decodeFloat32Fast(text))).toEqual(Array.from(decodeFloat32(text)));
      expect(Array.from(decodeFloat32Fast(text))).toEqual(Array.from(values));
    }
  });
});
