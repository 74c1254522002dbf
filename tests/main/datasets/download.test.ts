import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadDataset, downloadFile } from '../../../src-main/datasets/download';
import { loadDataset } from '../../../src-main/datasets/load-dataset';
import type { DatasetProgress } from '../../../src-main/datasets/progress';
import { extractTarGz } from '../../../src-main/datasets/tar';
import { useTempDir } from '../../helpers/temp-dir';
import { expectedCifarImages, tarBytes, writeCifar10 } from './fixtures';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

interface TestServer {
  url: string;
  /** Range headers of the requests, in order ('' when none). */
  ranges: string[];
  /** The next request for this path sends only this many bytes, then drops the connection. */
  cutAfter: Map<string, number>;
}

/** A file server on 127.0.0.1 that honours byte ranges, so tests never touch the internet. */
async function serve(files: Map<string, Buffer>): Promise<TestServer & { server: Server }> {
  const state = { ranges: [] as string[], cutAfter: new Map<string, number>() };
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    state.ranges.push(request.headers.range ?? '');
    const body = files.get(path);
    if (!body) return void response.writeHead(404).end();
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length) return void response.writeHead(416).end();
    const part = body.subarray(start);
    response.writeHead(range ? 206 : 200, { 'Content-Length': part.length });
    const cut = state.cutAfter.get(path);
    if (cut !== undefined) {
      state.cutAfter.delete(path);
      // Drop the connection once the client has had time to read what was sent (fetch discards
      // bytes still queued when the stream errors).
      response.write(part.subarray(0, cut), () => setTimeout(() => response.destroy(), 200));
    } else {
      response.end(part);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, ...state };
}

describe('dataset downloads (local HTTP server)', () => {
  const tempDir = useTempDir();
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });
  const start = async (files: Record<string, Buffer>) => {
    const server = await serve(new Map(Object.entries(files)));
    servers.push(server.server);
    return server;
  };

  it('downloads with progress, verifies the checksum and renames the .part into place', async () => {
    const body = Buffer.alloc(300_000, 7);
    const server = await start({ '/data.bin': body });
    const destination = join(tempDir(), 'data.bin');
    const progress: DatasetProgress[] = [];
    await downloadFile({ url: `${server.url}/data.bin`, md5: md5(body) }, destination, {
      onProgress: (report) => progress.push(report),
    });
    expect(readFileSync(destination).equals(body)).toBe(true);
    expect(existsSync(`${destination}.part`)).toBe(false);
    const downloads = progress.filter((report) => report.stage === 'download');
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.at(-1)).toMatchObject({ done: 300_000, total: 300_000, unit: 'bytes' });
    expect(progress.some((report) => report.stage === 'verify')).toBe(true);
    // A complete file with the right checksum is not fetched again.
    await downloadFile({ url: `${server.url}/data.bin`, md5: md5(body) }, destination);
    expect(server.ranges).toHaveLength(1);
  });

  it('rejects a checksum mismatch and deletes the download', async () => {
    const server = await start({ '/data.bin': Buffer.from('tampered bytes') });
    const destination = join(tempDir(), 'data.bin');
    const expected = md5(Buffer.from('original bytes'));
    await expect(downloadFile({ url: `${server.url}/data.bin`, md5: expected }, destination)).rejects.toThrow(
      new RegExp(
        `Checksum mismatch for .*data\\.bin: expected MD5 ${expected}, got ${md5(Buffer.from('tampered bytes'))}`,
      ),
    );
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('keeps an interrupted .part and resumes it with a range request', async () => {
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    const server = await start({ '/big.bin': body });
    server.cutAfter.set('/big.bin', 50_000);
    const destination = join(tempDir(), 'big.bin');
    const source = { url: `${server.url}/big.bin`, md5: md5(body) };
    await expect(downloadFile(source, destination)).rejects.toThrow(
      /was interrupted after .* run it again to resume/,
    );
    expect(existsSync(destination)).toBe(false);
    expect(readFileSync(`${destination}.part`).length).toBe(50_000);
    await downloadFile(source, destination);
    expect(server.ranges).toEqual(['', 'bytes=50000-']);
    expect(readFileSync(destination).equals(body)).toBe(true);
  });

  it('reports HTTP errors and unreachable servers clearly', async () => {
    const server = await start({});
    const destination = join(tempDir(), 'x.bin');
    await expect(downloadFile({ url: `${server.url}/missing.bin`, md5: '0' }, destination)).rejects.toThrow(
      /Download of .*missing\.bin failed: HTTP 404/,
    );
    const closed = (await start({})).server;
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      downloadFile({ url: `http://127.0.0.1:${port}/x.bin`, md5: '0' }, destination),
    ).rejects.toThrow(/Download of http:\/\/127\.0\.0\.1:\d+\/x\.bin failed: connect ECONNREFUSED/);
  });

  it('downloads Fashion-MNIST from a mirror, checking the published checksums', async () => {
    // The published MD5s cannot match generated files, so a wrong file must be refused.
    const server = await start({ '/train-images-idx3-ubyte.gz': gzipSync(Buffer.alloc(10)) });
    const root = tempDir();
    await expect(downloadDataset('fashion-mnist', root, { baseUrl: server.url })).rejects.toThrow(
      /Checksum mismatch for .*train-images-idx3-ubyte\.gz: expected MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d/,
    );
    expect(readdirSync(join(root, 'fashion-mnist'))).toEqual([]);
  });

  it('extracts a CIFAR-10 tar.gz atomically and loads it', async () => {
    const source = tempDir();
    writeCifar10(source, 2, 3);
    // GNU tar writes a long-name record for paths over 100 characters; include one.
    const longName = join(source, 'cifar-10-batches-bin', `${'x'.repeat(120)}.txt`);
    writeFileSync(longName, 'long');
    const archive = join(tempDir(), 'cifar-10-binary.tar.gz');
    const tar = spawnSync('tar', ['-czf', archive, '-C', source, 'cifar-10-batches-bin']);
    expect(tar.status, tar.stderr.toString()).toBe(0);
    const root = tempDir();
    const progress: DatasetProgress[] = [];
    await extractTarGz(archive, root, (report) => progress.push(report));
    expect(progress.at(-1)).toMatchObject({ stage: 'extract', unit: 'bytes' });
    expect(readFileSync(join(root, 'cifar-10-batches-bin', `${'x'.repeat(120)}.txt`), 'utf8')).toBe('long');
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
    const data = await loadDataset({ source: 'cifar10', path: root }, '');
    expect(data.train.count).toBe(10);
    expect(data.test.images).toEqual(expectedCifarImages(1000, 3));
  });

  it('leaves nothing behind when an archive is truncated or unsafe', async () => {
    const source = tempDir();
    writeCifar10(source, 2, 3);
    const archive = join(tempDir(), 'cifar.tar.gz');
    spawnSync('tar', ['-czf', archive, '-C', source, 'cifar-10-batches-bin']);
    const bytes = readFileSync(archive);
    writeFileSync(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const root = tempDir();
    await expect(extractTarGz(archive, root)).rejects.toThrow(/cifar\.tar\.gz/);
    expect(readdirSync(root)).toEqual([]);

    // GNU tar strips "../", so this archive is written by hand.
    const evil = join(tempDir(), 'evil.tar.gz');
    writeFileSync(
      evil,
      gzipSync(
        tarBytes([
          { name: 'fine.txt', data: 'ok' },
          { name: '../evil.txt', data: 'x' },
        ]),
      ),
    );
    await expect(extractTarGz(evil, root)).rejects.toThrow(/contains an unsafe path "..\/evil.txt"/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('fetches and unpacks CIFAR-10 through downloadDataset (checksum refused for a generated archive)', async () => {
    const source = tempDir();
    writeCifar10(source, 1, 1);
    const archive = join(tempDir(), 'cifar-10-binary.tar.gz');
    spawnSync('tar', ['-czf', archive, '-C', source, 'cifar-10-batches-bin']);
    const server = await start({ '/cifar-10-binary.tar.gz': readFileSync(archive) });
    const root = tempDir();
    await expect(downloadDataset('cifar10', root, { baseUrl: `${server.url}/` })).rejects.toThrow(
      /Checksum mismatch .* expected MD5 c32a1d4ab5d03f1284b67883e8d87530/,
    );
    expect(readdirSync(root)).toEqual([]);
    // Already extracted data is used as it is, without a request.
    writeCifar10(root, 1, 1);
    const before = server.ranges.length;
    const result = await downloadDataset('cifar10', root, { baseUrl: server.url });
    expect(result.spec).toEqual({ source: 'cifar10', path: join(root, 'cifar-10-batches-bin') });
    expect(server.ranges.length).toBe(before);
  });
});
