/**
 * The IDX format of MNIST-style datasets (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
 * (0, 0, type code, number of dimensions), one big-endian uint32 per dimension, then the data.
 * Only unsigned bytes (type 0x08) are used by image datasets.
 */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parses an (already decompressed) IDX file; `source` names it in error messages. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source} is not an IDX file (it must start with two zero bytes)`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new Error(
      `${source}: IDX type 0x${bytes[2]!.toString(16)} is not supported (expected 0x08, unsigned bytes)`,
    );
  }
  const dimensions = bytes[3]!;
  const headerBytes = 4 + 4 * dimensions;
  if (dimensions === 0 || bytes.length < headerBytes) throw new Error(`${source}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < dimensions; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const expected = shape.reduce((product, size) => product * size, 1);
  const available = bytes.length - headerBytes;
  if (available !== expected) {
    throw new Error(
      `${source}: the header promises ${shape.join('x')} = ${expected} values but the file holds ${available}`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}
