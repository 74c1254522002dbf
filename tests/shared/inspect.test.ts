import { describe, expect, it } from 'vitest';
import { decodeFloat32, encodeFloat32 } from '@shared/inspect';

describe('float32 base64', () => {
  it("matches Node's encoder for every padding and reads its text back", () => {
    for (const length of [0, 1, 2, 3, 5, 1000, 70000]) {
      const values = Float32Array.from({ length }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4));
      const text = encodeFloat32(values);
      expect(text).toBe(Buffer.from(values.buffer).toString('base64'));
      expect(decodeFloat32(text)).toEqual(values);
    }
  });

  it('refuses text that is not float32 base64', () => {
    expect(() => decodeFloat32('abc')).toThrow(/not base64/);
    expect(() => decodeFloat32('AAA*')).toThrow(/not base64/);
  });
});
