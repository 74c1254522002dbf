/**
 * An independent `.npy` reader for the tests, written from the format specification
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), not from our writer:
 * it checks every rule a reader may rely on and fails loudly on any deviation.
 */

export interface ParsedNpy {
  version: [number, number];
  headerText: string;
  /** Offset of the first data byte. */
  dataOffset: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  values: number[];
}

const DTYPES: Record<string, { bytes: number; read: (view: DataView, offset: number) => number }> = {
  '<f4': { bytes: 4, read: (view, offset) => view.getFloat32(offset, true) },
  '<i4': { bytes: 4, read: (view, offset) => view.getInt32(offset, true) },
  '|u1': { bytes: 1, read: (view, offset) => view.getUint8(offset) },
};

/** Parses the header dict literal: exactly the three keys, Python syntax. */
function parseHeaderDict(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const match =
    /^\{\s*'descr':\s*'([^']+)',\s*'fortran_order':\s*(True|False),\s*'shape':\s*\(([^)]*)\),?\s*\}\s*$/.exec(
      text,
    );
  if (!match) throw new Error(`npy header is not the expected dict: ${JSON.stringify(text)}`);
  const inside = match[3]!.trim();
  const parts = inside === '' ? [] : inside.split(',').map((part) => part.trim());
  // A 1-tuple must be written "(n,)": "(n)" is just a parenthesised number in Python.
  if (parts.length === 1 && !inside.endsWith(',')) throw new Error(`shape (${inside}) is not a tuple`);
  const shape = parts
    .filter((part) => part !== '')
    .map((part) => {
      if (!/^\d+$/.test(part)) throw new Error(`shape entry "${part}" is not an integer`);
      return Number(part);
    });
  return { descr: match[1]!, fortranOrder: match[2] === 'True', shape };
}

export function parseNpy(bytes: Uint8Array): ParsedNpy {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  magic.forEach((value, i) => {
    if (bytes[i] !== value) throw new Error(`byte ${i} of the magic string is ${bytes[i]}`);
  });
  const version: [number, number] = [bytes[6]!, bytes[7]!];
  if (version[0] !== 1 || version[1] !== 0) throw new Error(`version ${version.join('.')} is not 1.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const dataOffset = 10 + headerLength;
  if (dataOffset % 64 !== 0) throw new Error(`data starts at ${dataOffset}, not a multiple of 64`);
  const headerBytes = bytes.subarray(10, dataOffset);
  if (headerBytes.some((byte) => byte > 0x7f)) throw new Error('the header is not ASCII');
  const headerText = String.fromCharCode(...headerBytes);
  if (!headerText.endsWith('\n')) throw new Error('the header does not end with a newline');
  if (headerText.slice(0, -1).includes('\n')) throw new Error('the header has more than one newline');
  const { descr, fortranOrder, shape } = parseHeaderDict(headerText.slice(0, -1));
  const dtype = DTYPES[descr];
  if (!dtype) throw new Error(`unexpected descr ${descr}`);
  const count = shape.reduce((product, size) => product * size, 1);
  if (bytes.length - dataOffset !== count * dtype.bytes) {
    throw new Error(`${bytes.length - dataOffset} data bytes for ${count} values of ${descr}`);
  }
  const values = Array.from({ length: count }, (_, i) => dtype.read(view, dataOffset + i * dtype.bytes));
  return { version, headerText, dataOffset, descr, fortranOrder, shape, values };
}
