import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

const NEWLINE = 0x0a;

/** True when the file starts with gzip's magic bytes (RFC 1952: 1f 8b). */
export function looksGzipped(path: string): boolean {
  const magic = Buffer.alloc(2);
  const handle = openSync(path, 'r');
  try {
    return readSync(handle, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(handle);
  }
}

/**
 * The lines of a gzip file, each with its newline (the last one without, if the file ends
 * mid-line), as the exact bytes, so a reader can hash what it reads. A line longer than
 * `maxLineBytes` is an error: a foreign file must not fill the memory looking for a newline.
 */
export async function* gzipLines(path: string, maxLineBytes: number): AsyncGenerator<Buffer> {
  const source = createReadStream(path);
  const gunzip = source.pipe(createGunzip());
  source.on('error', (error) => gunzip.destroy(error)); // pipe() does not pass errors on
  try {
    yield* splitLines(gunzip as AsyncIterable<Buffer>, maxLineBytes);
  } finally {
    source.destroy();
  }
}

async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, newline + 1);
      yield pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) {
        throw Object.assign(new Error(`a line is longer than ${maxLineBytes} bytes`), {
          code: 'ERR_LINE_TOO_LONG',
        });
      }
    }
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}
