import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, type NpyArray } from '../../../src-main/export/npy';
import { useTempDir } from '../../helpers/temp-dir';
import { parseNpy } from './npy-reader';
import { hasNumpy, numpyLoad } from './numpy';

const floats = Float32Array.from([
  0,
  1,
  -1,
  0.1,
  3.4028234663852886e38,
  -1.17549435e-38,
  1e-45,
  123.456,
  -7.25,
  2 ** 24 + 1,
  1 / 3,
  -0.5,
]);
const ints = Int32Array.from([0, 1, -1, 2147483647, -2147483648, 42, -123456]);
const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

const samples: Record<string, NpyArray> = {
  'float32 [3, 4]': { dtype: 'float32', shape: [3, 4], data: floats },
  'float32 [12, 1]': { dtype: 'float32', shape: [12, 1], data: floats },
  'int32 [7]': { dtype: 'int32', shape: [7], data: ints },
  'uint8 [256]': { dtype: 'uint8', shape: [256], data: bytes },
  'float32 [0, 5]': { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) },
};

describe('encodeNpy (.npy version 1.0)', () => {
  const tempDir = useTempDir();

  it.each(Object.entries(samples))('%s reads back through a parser written from the spec', (_, array) => {
    const parsed = parseNpy(encodeNpy(array));
    expect(parsed.version).toEqual([1, 0]);
    expect(parsed.dataOffset % 64).toBe(0);
    expect(parsed.fortranOrder).toBe(false);
    expect(parsed.shape).toEqual(array.shape);
    expect(parsed.descr).toBe({ float32: '<f4', int32: '<i4', uint8: '|u1' }[array.dtype]);
    expect(parsed.values).toEqual(Array.from(array.data));
  });

  it('writes the header dict as numpy does: 1-tuples with a comma, padded with spaces to 64 bytes', () => {
    const vector = parseNpy(encodeNpy({ dtype: 'int32', shape: [7], data: ints }));
    expect(vector.headerText).toMatch(/^\{'descr': '<i4', 'fortran_order': False, 'shape': \(7,\), \} *\n$/);
    const matrix = parseNpy(encodeNpy({ dtype: 'float32', shape: [3, 4], data: floats }));
    expect(matrix.headerText).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/,
    );
    // Shapes of every printed length still start the data on a 64-byte boundary.
    for (const rows of [0, 9, 99, 999_999_999, 12_345_678_901]) {
      expect(
        parseNpy(encodeNpy({ dtype: 'float32', shape: [rows, 0], data: new Float32Array(0) })).dataOffset %
          64,
      ).toBe(0);
    }
  });

  it('writes little-endian values in C order', () => {
    const file = encodeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    const data = new DataView(file.buffer, file.byteOffset + parseNpy(file).dataOffset);
    expect([0, 4, 8, 12].map((offset) => data.getFloat32(offset, true))).toEqual([1, 2, 3, 4]);
  });

  it('refuses shapes that do not fit the data', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [3, 3], data: floats })).toThrow(
      /shape \[3,3\] needs 9 values, got 12/,
    );
    expect(() => encodeNpy({ dtype: 'int32', shape: [-7], data: ints })).toThrow(/non-negative integers/);
    expect(() => encodeNpy({ dtype: 'int32', shape: [3.5, 2], data: ints })).toThrow(/non-negative integers/);
    expect(() => encodeNpy({ dtype: 'float64', shape: [1], data: floats } as unknown as NpyArray)).toThrow(
      /unsupported dtype 'float64'/,
    );
  });

  it.skipIf(!hasNumpy)('numpy.load reads the same shapes, dtypes and values', () => {
    const dir = tempDir();
    const entries = Object.entries(samples);
    const paths = entries.map(([, array], i) => {
      const path = join(dir, `sample-${i}.npy`);
      writeFileSync(path, encodeNpy(array));
      return path;
    });
    const loaded = numpyLoad(...paths);
    entries.forEach(([, array], i) => {
      expect(loaded[i]!.shape).toEqual(array.shape);
      expect(loaded[i]!.dtype).toBe(array.dtype);
      expect(loaded[i]!.values).toEqual(Array.from(array.data));
    });
  });
});
