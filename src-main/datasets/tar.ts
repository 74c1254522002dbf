import { createReadStream, mkdirSync, renameSync, rmSync, statSync, readdirSync, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { DatasetProgress } from './progress';

/**
 * A small streaming reader for .tar.gz archives (POSIX ustar, with GNU long names and pax paths),
 * enough for dataset archives: regular files and folders are extracted, links and devices skipped.
 */

const BLOCK = 512;

interface Header {
  name: string;
  size: number;
  type: string;
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, archive: string): number {
  if (block[start]! & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more.
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
    return value;
  }
  const digits = text(block, start, length).trim();
  const value = digits === '' ? 0 : parseInt(digits, 8);
  if (!Number.isFinite(value)) throw new Error(`${archive} is not a valid tar archive (bad size field)`);
  return value;
}

function parseHeader(block: Buffer, archive: string): Header {
  let checksum = 0;
  for (let i = 0; i < BLOCK; i++) checksum += i >= 148 && i < 156 ? 32 : block[i]!;
  if (checksum !== octal(block, 148, 8, archive))
    throw new Error(`${archive} is not a valid tar archive (header checksum mismatch)`);
  const prefix = text(block, 257, 6) === 'ustar' ? text(block, 345, 155) : '';
  const name = text(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: octal(block, 124, 12, archive),
    type: String.fromCharCode(block[156]!) || '0',
  };
}

/** The `path` record of a pax extended header, if any. */
function paxPath(data: Buffer): string | undefined {
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
  return match?.[1];
}

/** A relative path inside `root`, or an error for absolute paths and `..` (no writes outside). */
function safeTarget(root: string, name: string, archive: string): string {
  const clean = normalize(name);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`))
    throw new Error(`${archive} contains an unsafe path "${name}"; nothing was extracted`);
  return join(root, clean);
}

interface Entry {
  header: Header;
  remaining: number;
  padding: number;
  /** Open output file of a regular file entry. */
  file?: FileHandle;
  /** Collected data of a GNU long name or pax header, which names the next entry. */
  chunks?: Buffer[];
}

/** Writes the entries of a decompressed tar stream, fed chunk by chunk, under `root`. */
class TarWriter {
  private pending: Buffer = Buffer.alloc(0);
  private entry: Entry | undefined;
  private longName: string | undefined;
  ended = false;

  constructor(
    private readonly root: string,
    private readonly archive: string,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (!this.ended && (this.entry ? await this.continueEntry() : await this.startEntry()));
  }

  async close(): Promise<void> {
    await this.entry?.file?.close();
  }

  get complete(): boolean {
    return this.ended && !this.entry;
  }

  /** Consumes data of the current entry; false when more input is needed. */
  private async continueEntry(): Promise<boolean> {
    const entry = this.entry!;
    const take = Math.min(entry.remaining, this.pending.length);
    if (take > 0) {
      const data = this.pending.subarray(0, take);
      if (entry.file) await entry.file.write(data);
      else entry.chunks?.push(Buffer.from(data));
      entry.remaining -= take;
      this.pending = this.pending.subarray(take);
    }
    if (entry.remaining > 0 || this.pending.length < entry.padding) return false;
    this.pending = this.pending.subarray(entry.padding);
    await entry.file?.close();
    if (entry.chunks) {
      const data = Buffer.concat(entry.chunks);
      if (entry.header.type === 'L') this.longName = text(data, 0, data.length);
      else if (entry.header.type === 'x') this.longName = paxPath(data) ?? this.longName;
    }
    this.entry = undefined;
    return true;
  }

  /** Reads the next header; false when more input is needed. */
  private async startEntry(): Promise<boolean> {
    if (this.pending.length < BLOCK) return false;
    const block = this.pending.subarray(0, BLOCK);
    this.pending = this.pending.subarray(BLOCK);
    if (block.every((byte) => byte === 0)) {
      this.ended = true;
      return false;
    }
    const header = parseHeader(block, this.archive);
    const entry: Entry = { header, remaining: header.size, padding: (BLOCK - (header.size % BLOCK)) % BLOCK };
    if (header.type === 'L' || header.type === 'x') {
      entry.chunks = [];
    } else {
      const target = safeTarget(this.root, this.longName ?? header.name, this.archive);
      this.longName = undefined;
      if (header.type === '5') {
        mkdirSync(target, { recursive: true });
      } else if (header.type === '0' || header.type === '\0' || header.type === '7') {
        mkdirSync(dirname(target), { recursive: true });
        entry.file = await open(target, 'w');
      }
    }
    this.entry = entry;
    return true;
  }
}

/** Reads the archive's entries into the folder `into`, reporting compressed bytes read. */
async function readTar(archive: string, into: string, onBytes: (bytes: number) => void): Promise<void> {
  const input = createReadStream(archive);
  const gunzip = createGunzip();
  input.on('data', (chunk) => onBytes(chunk.length));
  input.on('error', (error) => gunzip.destroy(error));
  const writer = new TarWriter(into, archive);
  try {
    for await (const chunk of input.pipe(gunzip) as AsyncIterable<Buffer>) {
      await writer.push(chunk);
      if (writer.ended) break;
    }
  } finally {
    input.destroy();
    await writer.close();
  }
  if (!writer.complete) throw new Error(`${archive} is truncated (the tar stream ends early)`);
}

/**
 * Extracts a .tar.gz into `folder` atomically: everything lands in a temporary folder first and
 * each top-level entry is renamed into place only when the whole archive was read without error.
 */
export async function extractTarGz(
  archive: string,
  folder: string,
  onProgress?: (progress: DatasetProgress) => void,
): Promise<void> {
  const staging = join(folder, `.extract-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  const total = statSync(archive).size;
  let done = 0;
  try {
    await readTar(archive, staging, (bytes) => {
      done += bytes;
      onProgress?.({ stage: 'extract', done, total, unit: 'bytes', file: archive });
    });
    for (const name of readdirSync(staging)) {
      const target = join(folder, name);
      if (existsSync(target)) rmSync(target, { recursive: true, force: true });
      renameSync(join(staging, name), target);
    }
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(archive) ? message : `${archive} could not be extracted: ${message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
