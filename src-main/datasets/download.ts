import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DatasetSpec } from './load-dataset';
import type { DatasetProgress } from './progress';
import { extractTarGz } from './tar';

/** One file to fetch and the MD5 its publisher lists for it. */
export interface DownloadSource {
  url: string;
  md5: string;
}

export interface DownloadOptions {
  onProgress?: (progress: DatasetProgress) => void;
  signal?: AbortSignal;
}

/** The MD5 of a file, hex. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Streams the response body to `part`, appending when the server honoured a range request. */
async function fetchToPart(source: DownloadSource, part: string, options: DownloadOptions): Promise<void> {
  const offset = existsSync(part) ? statSync(part).size : 0;
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  let response: Response;
  try {
    response = await fetch(source.url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (error) {
    throw new Error(`Download of ${source.url} failed: ${describe(error)}`);
  }
  if (response.status === 416 && offset > 0) return; // the .part is already whole; the checksum decides
  if (!response.ok || !response.body)
    throw new Error(`Download of ${source.url} failed: HTTP ${response.status} ${response.statusText}`);
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? 0);
  const total = length > 0 ? length + (resumed ? offset : 0) : 0;
  let done = resumed ? offset : 0;
  // Written chunk by chunk, so whatever arrived before an interruption is kept for resuming.
  const file = await open(part, resumed ? 'a' : 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      done += chunk.length;
      options.onProgress?.({ stage: 'download', done, total, unit: 'bytes', file: source.url });
    }
  } catch (error) {
    throw new Error(
      `Download of ${source.url} was interrupted after ${done} bytes (${describe(error)}); run it again to resume`,
    );
  } finally {
    await file.close();
  }
}

/** The useful part of a fetch error: its cause (e.g. `connect ECONNREFUSED ...`), else its message. */
function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Downloads `source` to `destination`: the bytes go to `destination.part` (resumed with an HTTP
 * range request when a previous attempt left one), the MD5 is checked, and only then is the file
 * renamed into place, so `destination` is always complete. A checksum mismatch deletes the download
 * and throws. An existing `destination` with the right checksum is kept without a request.
 */
export async function downloadFile(
  source: DownloadSource,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  const verify = async (path: string) => {
    const size = statSync(path).size;
    options.onProgress?.({ stage: 'verify', done: 0, total: size, unit: 'bytes', file: path });
    const actual = await md5File(path);
    options.onProgress?.({ stage: 'verify', done: size, total: size, unit: 'bytes', file: path });
    return actual;
  };
  if (existsSync(destination)) {
    if ((await verify(destination)) === source.md5) return;
    rmSync(destination); // stale or damaged: fetch it again
  }
  const part = `${destination}.part`;
  await fetchToPart(source, part, options);
  const actual = await verify(part);
  if (actual !== source.md5) {
    rmSync(part, { force: true });
    throw new Error(
      `Checksum mismatch for ${source.url}: expected MD5 ${source.md5}, got ${actual}. The download was deleted; try again, or check the address`,
    );
  }
  renameSync(part, destination);
}

/** Datasets that can be fetched from their publishers. */
export const DOWNLOADABLE_DATASETS = {
  cifar10: {
    description: 'CIFAR-10, binary version (162 MB), from the University of Toronto',
    baseUrl: 'https://www.cs.toronto.edu/~kriz/',
    files: { 'cifar-10-binary.tar.gz': 'c32a1d4ab5d03f1284b67883e8d87530' },
    folder: 'cifar-10-batches-bin',
  },
  'fashion-mnist': {
    description: 'Fashion-MNIST (30 MB), from Zalando Research',
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    } as Record<string, string>,
    folder: 'fashion-mnist',
  },
} as const;

export type DownloadableDataset = keyof typeof DOWNLOADABLE_DATASETS;

const CIFAR10_FILES = ['data_batch_1.bin', 'data_batch_5.bin', 'test_batch.bin'];

/**
 * Fetches a dataset into `rootDir` (CIFAR-10 into `cifar-10-batches-bin/`, Fashion-MNIST into
 * `fashion-mnist/`) and returns the spec that loads it. Already complete data is not fetched again.
 * `baseUrl` replaces the publisher's address (a mirror, or a local server in tests).
 */
export async function downloadDataset(
  name: DownloadableDataset,
  rootDir: string,
  options: DownloadOptions & { baseUrl?: string } = {},
): Promise<{ path: string; spec: DatasetSpec }> {
  const dataset = DOWNLOADABLE_DATASETS[name];
  const baseUrl = options.baseUrl ?? dataset.baseUrl;
  const url = (file: string) => new URL(file, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const path = join(rootDir, dataset.folder);
  mkdirSync(rootDir, { recursive: true });
  if (name === 'cifar10') {
    const spec: DatasetSpec = { source: 'cifar10', path };
    if (CIFAR10_FILES.every((file) => existsSync(join(path, file)))) return { path, spec };
    const [[file, md5]] = Object.entries(dataset.files) as [[string, string]];
    const archive = join(rootDir, file);
    await downloadFile({ url: url(file), md5 }, archive, options);
    await extractTarGz(archive, rootDir, options.onProgress);
    if (!CIFAR10_FILES.every((member) => existsSync(join(path, member))))
      throw new Error(`${archive} did not contain ${dataset.folder}/ with the CIFAR-10 batches`);
    rmSync(archive);
    return { path, spec };
  }
  mkdirSync(path, { recursive: true });
  for (const [file, md5] of Object.entries(dataset.files))
    await downloadFile({ url: url(file), md5 }, join(path, file), options);
  return { path, spec: { source: 'idx', path } };
}
