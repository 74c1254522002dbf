import { existsSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES } from '../../../src-main/datasets/idx-folder';
import { loadDataset } from '../../../src-main/datasets/load-dataset';
import { useTempDir } from '../../helpers/temp-dir';
import { RESOURCES_DIR } from '../../helpers/workbench';
import { idxBytes, writeIdxFolder } from './fixtures';

describe('IDX folders (MNIST layout)', () => {
  const tempDir = useTempDir();

  it.each([true, false])(
    'reads gzip=%s files into single-channel images with digit class names',
    async (gzip) => {
      const folder = join(tempDir(), 'mnist');
      writeIdxFolder(folder, 12, 5, gzip);
      const data = await loadDataset({ source: 'idx', path: folder }, '');
      expect(data.name).toBe('mnist');
      expect(data.train).toMatchObject({ count: 12, height: 8, width: 6, channels: 1 });
      expect(data.test.count).toBe(5);
      expect(data.train.images[7]).toBe(35);
      expect(Array.from(data.test.labels)).toEqual([0, 1, 2, 3, 4]);
      expect(data.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    },
  );

  it('uses Fashion-MNIST class names for a folder named so', async () => {
    const folder = join(tempDir(), 'fashion-mnist');
    writeIdxFolder(folder, 10, 10, true);
    const data = await loadDataset({ source: 'idx', path: folder }, '');
    expect(data.classNames).toEqual(FASHION_MNIST_CLASSES);
  });

  it('loads the embedded subset and, where installed, Debian fashion-mnist', async () => {
    const embedded = await loadDataset({ source: 'embedded' }, RESOURCES_DIR);
    expect(embedded.train).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(embedded.test.count).toBeGreaterThan(0);
    const debian = '/usr/share/datasets/fashion-mnist';
    if (!existsSync(debian)) return;
    const full = await loadDataset({ source: 'idx', path: debian }, '');
    expect(full.train.count).toBe(60000);
    expect(full.test.count).toBe(10000);
    expect(full.classNames[9]).toBe('Ankle boot');
  });

  it('names the missing or damaged file and what was expected', async () => {
    const folder = join(tempDir(), 'broken');
    writeIdxFolder(folder, 4, 4, true);
    const load = () => loadDataset({ source: 'idx', path: folder }, '');
    rmSync(join(folder, 't10k-labels-idx1-ubyte.gz'));
    await expect(load()).rejects.toThrow(/Missing dataset file: expected .*t10k-labels-idx1-ubyte\.gz/);

    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), Buffer.from('not gzip at all'));
    await expect(load()).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz is not a valid gzip file/);

    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([1, 2, 3, 4, 5])));
    await expect(load()).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz is not an IDX file/);

    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([3], new Uint8Array(3))));
    await expect(load()).rejects.toThrow(/t10k in .*: 4 images but 3 labels/);

    const raw = join(tempDir(), 'raw');
    writeIdxFolder(raw, 4, 4, false);
    truncateSync(join(raw, 'train-images-idx3-ubyte'), 16 + 100);
    await expect(loadDataset({ source: 'idx', path: raw }, '')).rejects.toThrow(
      /train-images-idx3-ubyte: the header promises 4x8x6 = 192 values but the file holds 100/,
    );
  });
});
