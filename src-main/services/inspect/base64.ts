/**
 * The API's float32 base64 (src-shared/inspect.ts: little-endian bytes, standard alphabet with
 * padding) through Node's native encoder: about a millisecond for a 512 x 512 overview, where the
 * shared, portable encoder (which also runs in the renderer) takes about a hundred. Same text on
 * little-endian machines (all Node targets); elsewhere the portable one.
 */
import { decodeFloat32, encodeFloat32 } from '@shared/inspect';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeFloat32Fast(values: Float32Array): string {
  if (!LITTLE_ENDIAN) return encodeFloat32(values);
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat32Fast(text: string): Float32Array {
  if (!LITTLE_ENDIAN) return decodeFloat32(text);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('decodeFloat32: not base64 float32 data');
  // Copied into a buffer of its own: Buffer's may be a shared, unaligned pool slice.
  return new Float32Array(new Uint8Array(bytes).buffer);
}
