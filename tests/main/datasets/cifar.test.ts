import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES } from '../../../src-main/datasets/cifar-classes';
import { loadDataset } from '../../../src-main/datasets/load-dataset';
import { useTempDir } from '../../helpers/temp-dir';
import { cifarRecords, expectedCifarImages, writeCifar10, writeCifar100 } from './fixtures';

describe('CIFAR binary readers', () => {
  const tempDir = useTempDir();

  it('reads CIFAR-10 batches into NHWC images with labels and class names', async () => {
    const root = tempDir();
    writeCifar10(root, 3, 4);
    const data = await loadDataset({ source: 'cifar10', path: root }, '');
    expect(data.name).toBe('CIFAR-10');
    expect(data.classNames).toEqual([
      'plane',
      'car',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    expect(data.train).toMatchObject({ count: 15, height: 32, width: 32, channels: 3 });
    expect(data.test).toMatchObject({ count: 4, height: 32, width: 32, channels: 3 });
    // Batches in order 1..5, planar CHW turned into interleaved HWC.
    expect(data.train.images).toEqual(expectedCifarImages(0, 15));
    expect(Array.from(data.train.labels)).toEqual(Array.from({ length: 15 }, (_, i) => i % 10));
    expect(data.test.images).toEqual(expectedCifarImages(1000, 4));
    expect(Array.from(data.test.labels)).toEqual([3, 4, 5, 6]);
  });

  it('accepts the batches folder itself and falls back to built-in class names', async () => {
    const folder = writeCifar10(tempDir(), 1, 1, false);
    const data = await loadDataset({ source: 'cifar10', path: folder }, '');
    expect(data.classNames).toEqual([...CIFAR10_CLASSES]);
  });

  it('reads CIFAR-100 with fine or coarse labels', async () => {
    const root = tempDir();
    const folder = writeCifar100(root, 25, 5);
    writeFileSync(
      join(folder, 'fine_label_names.txt'),
      Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n'),
    );
    const fine = await loadDataset({ source: 'cifar100', path: root, labels: 'fine' }, '');
    expect(fine.name).toBe('CIFAR-100 (fine labels)');
    expect(fine.classNames[42]).toBe('fine42');
    expect(fine.train.count).toBe(25);
    expect(fine.train.images).toEqual(expectedCifarImages(0, 25));
    expect(fine.train.labels[24]).toBe(24);
    expect(Array.from(fine.test.labels)).toEqual([7, 8, 9, 10, 11]);
    const coarse = await loadDataset({ source: 'cifar100', path: folder, labels: 'coarse' }, '');
    expect(coarse.classNames).toEqual([...CIFAR100_COARSE_CLASSES]);
    expect(coarse.train.labels[24]).toBe(4);
    expect(coarse.test.images).toEqual(expectedCifarImages(500, 5));
  });

  it('names the missing file', async () => {
    const root = tempDir();
    await expect(loadDataset({ source: 'cifar10', path: root }, '')).rejects.toThrow(
      /Missing dataset file: expected .*test_batch\.bin/,
    );
    const folder = writeCifar10(root, 1, 1);
    rmSync(join(folder, 'data_batch_3.bin'));
    await expect(loadDataset({ source: 'cifar10', path: root }, '')).rejects.toThrow(
      /Missing dataset file: expected .*data_batch_3\.bin/,
    );
    await expect(
      loadDataset({ source: 'cifar100', path: join(root, 'nope'), labels: 'fine' }, ''),
    ).rejects.toThrow(/Dataset folder not found: .*nope/);
  });

  it('rejects truncated files and out-of-range labels, naming the file', async () => {
    const folder = writeCifar10(tempDir(), 2, 2);
    truncateSync(join(folder, 'test_batch.bin'), 3073 + 100);
    await expect(loadDataset({ source: 'cifar10', path: folder }, '')).rejects.toThrow(
      /test_batch\.bin is truncated or not a CIFAR binary file: 3173 bytes is not a whole number of 3073-byte records/,
    );
    writeFileSync(join(folder, 'test_batch.bin'), cifarRecords(0, [[3], [12]]));
    await expect(loadDataset({ source: 'cifar10', path: folder }, '')).rejects.toThrow(
      /test_batch\.bin: record 1 has label 12, expected 0\.\.9/,
    );
    const cifar100 = writeCifar100(tempDir(), 2, 2);
    writeFileSync(join(cifar100, 'test.bin'), cifarRecords(0, [[25, 3]]));
    await expect(loadDataset({ source: 'cifar100', path: cifar100, labels: 'coarse' }, '')).rejects.toThrow(
      /test\.bin: record 0 has label 25, expected 0\.\.19/,
    );
    writeFileSync(join(cifar100, 'coarse_label_names.txt'), 'a\nb\n');
    writeFileSync(join(cifar100, 'test.bin'), cifarRecords(0, [[1, 3]]));
    await expect(loadDataset({ source: 'cifar100', path: cifar100, labels: 'coarse' }, '')).rejects.toThrow(
      /coarse_label_names\.txt lists 2 class names, expected 20/,
    );
  });
});
