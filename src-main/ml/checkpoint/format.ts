/**
 * The checkpoint file format: everything needed to continue a run, as one byte string.
 *
 *   bytes 0-3   magic "DBCK"
 *   bytes 4-7   format version (uint32, little-endian)
 *   bytes 8-11  header length H (uint32)
 *   12..12+H    header: UTF-8 JSON { meta, tensors: [{ name, dtype, shape, offset, length }] }
 *   then        tensor data, each tensor at an 8-byte aligned offset from the data start
 *
 * Integrity (sha256) is kept beside the bytes by the store and checked on every load; this
 * format checks its own structure so truncated or foreign bytes fail with a clear message.
 */

export const CHECKPOINT_FORMAT = 'decorbench-checkpoint-v1';
const MAGIC = [0x44, 0x42, 0x43, 0x4b]; // "DBCK"
const VERSION = 1;

export type TensorData = Float32Array | Int32Array;

export interface NamedTensorData {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: TensorData;
}

export interface CheckpointContents {
  /** Plain JSON: step, epoch, config, generator states, ... */
  meta: Record<string, unknown>;
  tensors: NamedTensorData[];
}

interface TensorEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  offset: number;
  length: number;
}

const align8 = (value: number) => Math.ceil(value / 8) * 8;

export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const tensor of contents.tensors) {
    const expected = tensor.shape.reduce((product, size) => product * size, 1);
    if (expected !== tensor.data.length) {
      throw new Error(
        `encodeCheckpoint: tensor '${tensor.name}' has ${tensor.data.length} values for shape [${tensor.shape}]`,
      );
    }
    entries.push({
      name: tensor.name,
      dtype: tensor.dtype,
      shape: tensor.shape,
      offset,
      length: tensor.data.length,
    });
    offset = align8(offset + tensor.data.byteLength);
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta: contents.meta, tensors: entries }));
  const dataStart = align8(12 + header.length);
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  contents.tensors.forEach((tensor, index) => {
    const source = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    bytes.set(source, dataStart + entries[index]!.offset);
  });
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointContents {
  if (bytes.length < 12 || MAGIC.some((value, i) => bytes[i] !== value)) {
    throw new Error('This is not a Decorbench checkpoint (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION)
    throw new Error(`Checkpoint format version ${version} is not supported (expected ${VERSION})`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length)
    throw new Error('The checkpoint is truncated (its header is incomplete)');
  let header: { meta: Record<string, unknown>; tensors: TensorEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new Error('The checkpoint header is not valid JSON');
  }
  const dataStart = align8(12 + headerLength);
  const tensors = header.tensors.map((entry): NamedTensorData => {
    const start = dataStart + entry.offset;
    const end = start + entry.length * 4;
    if (end > bytes.length)
      throw new Error(`The checkpoint is truncated (tensor '${entry.name}' is incomplete)`);
    // Copy out (a Node Buffer's slice would share its pooled memory): the views must not depend
    // on the alignment or the lifetime of the byte string we were given.
    const copy = new Uint8Array(bytes.subarray(start, end)).buffer;
    const data = entry.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    return { name: entry.name, dtype: entry.dtype, shape: entry.shape, data };
  });
  return { meta: header.meta, tensors };
}
