/**
 * A writer for NumPy's `.npy` format, version 1.0, so `numpy.load` reads exported arrays without
 * any package of ours. Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 *   bytes 0-5   magic "\x93NUMPY"
 *   bytes 6-7   version 1.0
 *   bytes 8-9   header length H (uint16, little-endian)
 *   10..10+H    header: a Python dict literal in ASCII, padded with spaces and ended by '\n' so the
 *               data starts at a multiple of 64 bytes (what numpy itself writes since 1.16)
 *   then        the values, C order, in the header's byte order
 */

/** The element types written here, with their numpy type strings (explicitly little-endian). */
const DESCRIPTORS = { float32: '<f4', int32: '<i4', uint8: '|u1' } as const;

export type NpyDtype = keyof typeof DESCRIPTORS;

/** An n-dimensional array in C (row-major) order. */
export type NpyArray =
  | { dtype: 'float32'; shape: readonly number[]; data: Float32Array }
  | { dtype: 'int32'; shape: readonly number[]; data: Int32Array }
  | { dtype: 'uint8'; shape: readonly number[]; data: Uint8Array };

const MAGIC = [0x93, ...new TextEncoder().encode('NUMPY')];
const PREAMBLE_BYTES = 10;
const ALIGNMENT = 64;
/** Version 1.0 stores the header length in 16 bits. */
const MAX_HEADER_BYTES = 0xffff;

/** The shape as a Python tuple: `(3, 4)`, `(5,)` (the comma makes a 1-tuple), `()` for a scalar. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The header dict, padded with spaces and ended by a newline to the 64-byte boundary. */
function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${DESCRIPTORS[dtype]}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  const header = `${dict}${' '.repeat(padding)}\n`;
  if (header.length > MAX_HEADER_BYTES) {
    throw new Error(`encodeNpy: the header for shape [${shape}] is too long for .npy version 1.0`);
  }
  return new TextEncoder().encode(header);
}

/** Checks that `shape` has non-negative integer sizes whose product is the number of values. */
function checkShape(array: NpyArray): void {
  for (const size of array.shape) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new Error(`encodeNpy: shape [${array.shape}] must hold non-negative integers`);
    }
  }
  const count = array.shape.reduce((product, size) => product * size, 1);
  if (count !== array.data.length) {
    throw new Error(`encodeNpy: shape [${array.shape}] needs ${count} values, got ${array.data.length}`);
  }
}

/** The values as little-endian bytes, whatever the byte order of this machine. */
function littleEndianBytes(array: NpyArray): Uint8Array {
  if (array.dtype === 'uint8') return array.data;
  const bytes = new Uint8Array(array.data.length * 4);
  const view = new DataView(bytes.buffer);
  if (array.dtype === 'float32') array.data.forEach((value, i) => view.setFloat32(i * 4, value, true));
  else array.data.forEach((value, i) => view.setInt32(i * 4, value, true));
  return bytes;
}

/** The complete `.npy` file (version 1.0) for `array`. */
export function encodeNpy(array: NpyArray): Uint8Array {
  if (!(array.dtype in DESCRIPTORS)) throw new Error(`encodeNpy: unsupported dtype '${array.dtype}'`);
  checkShape(array);
  const header = npyHeader(array.dtype, array.shape);
  const values = littleEndianBytes(array);
  const bytes = new Uint8Array(PREAMBLE_BYTES + header.length + values.length);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  bytes.set(values, PREAMBLE_BYTES + header.length);
  return bytes;
}
