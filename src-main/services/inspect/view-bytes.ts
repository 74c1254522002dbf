/**
 * The bytes of a cached view in `snapshot_views`: a little-endian uint32 header length, the
 * header as JSON (the answer without its float32 values), zero padding to a multiple of 4, then
 * the float32 values (little-endian, as the API's base64 carries them). Compact and read back
 * without parsing a number at a time.
 */
export function packView(header: object, values: Float32Array | null): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = 4 + Math.ceil(json.length / 4) * 4;
  const bytes = new Uint8Array(start + (values ? values.byteLength : 0));
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  if (values) bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), start);
  return bytes;
}

/** The header and values of packed bytes; undefined for bytes that are not a packed view. */
export function unpackView<H>(bytes: Uint8Array): { header: H; values: Float32Array } | undefined {
  if (bytes.length < 4) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const start = 4 + Math.ceil(length / 4) * 4;
  if (start > bytes.length || (bytes.length - start) % 4 !== 0) return undefined;
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as H;
    // Copied: a blob's bytes need not be 4-byte aligned for a Float32Array view.
    const values = new Float32Array(bytes.slice(start).buffer);
    return { header, values };
  } catch {
    return undefined;
  }
}
