import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type DatasetConfig } from '@shared/config/run-config';
import { assertDatasetPaths, datasetPathProblems } from '../../../src-main/datasets/check-paths';
import { useTempDir } from '../../helpers/temp-dir';

const dataset = (input: Record<string, unknown>): DatasetConfig =>
  runConfigSchema.parse({ name: 'x', dataset: input }).dataset;

function touch(folder: string, names: string[]): void {
  mkdirSync(folder, { recursive: true });
  for (const name of names) writeFileSync(join(folder, name), 'x');
}

describe('dataset paths are checked before a run is created', () => {
  const tempDir = useTempDir();

  it('needs nothing on disk for the embedded data', () => {
    expect(datasetPathProblems(dataset({ source: 'embedded' }))).toEqual({});
  });

  it('names a missing folder, a file given as a folder, and missing IDX files', () => {
    const dir = tempDir();
    expect(datasetPathProblems(dataset({ source: 'idx', path: join(dir, 'nope') }))).toEqual({
      'dataset.path': `No such folder: ${join(dir, 'nope')}`,
    });
    touch(dir, ['file']);
    expect(datasetPathProblems(dataset({ source: 'idx', path: join(dir, 'file') }))['dataset.path']).toBe(
      `Not a folder: ${join(dir, 'file')}`,
    );
    touch(join(dir, 'mnist'), [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
    ]);
    expect(datasetPathProblems(dataset({ source: 'idx', path: join(dir, 'mnist') }))['dataset.path']).toBe(
      `Missing t10k-labels-idx1-ubyte (.gz or raw) in ${join(dir, 'mnist')}`,
    );
    touch(join(dir, 'mnist'), ['t10k-labels-idx1-ubyte.gz']);
    expect(datasetPathProblems(dataset({ source: 'idx', path: join(dir, 'mnist') }))).toEqual({});
  });

  it('takes relative paths from the working directory, as the worker will, and says so', () => {
    const dir = tempDir();
    const problems = datasetPathProblems(dataset({ source: 'cifar10', path: 'data/cifar' }), dir);
    expect(problems['dataset.path']).toBe(`No such folder: data/cifar (${join(dir, 'data/cifar')})`);
  });

  it('finds CIFAR files in the folder or in its standard sub-folder', () => {
    const dir = tempDir();
    const cifar10 = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin'];
    touch(join(dir, 'c10', 'cifar-10-batches-bin'), [...cifar10, 'data_batch_5.bin', 'test_batch.bin']);
    expect(datasetPathProblems(dataset({ source: 'cifar10', path: join(dir, 'c10') }))).toEqual({});
    touch(join(dir, 'partial'), [...cifar10, 'test_batch.bin']);
    expect(
      datasetPathProblems(dataset({ source: 'cifar10', path: join(dir, 'partial') }))['dataset.path'],
    ).toBe(`Missing data_batch_5.bin in ${join(dir, 'partial')} (nor in its cifar-10-batches-bin folder)`);
    touch(join(dir, 'c100'), ['train.bin']);
    expect(
      datasetPathProblems(dataset({ source: 'cifar100', path: join(dir, 'c100') }))['dataset.path'],
    ).toMatch(/^Missing test\.bin in /);
  });

  it('needs class sub-folders in an image folder (or in its train/ folder)', () => {
    const dir = tempDir();
    touch(join(dir, 'flat'), ['a.png']);
    expect(
      datasetPathProblems(dataset({ source: 'image-folder', path: join(dir, 'flat') }))['dataset.path'],
    ).toBe(`${join(dir, 'flat')} has no class sub-folders (one folder of images per class)`);
    touch(join(dir, 'split', 'train', 'cat'), ['a.png']);
    expect(datasetPathProblems(dataset({ source: 'image-folder', path: join(dir, 'split') }))).toEqual({});
  });

  it.skipIf(process.getuid?.() === 0)('says when a folder cannot be read', () => {
    const dir = join(tempDir(), 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o000);
    try {
      expect(datasetPathProblems(dataset({ source: 'idx', path: dir }))['dataset.path']).toMatch(
        /permission denied/,
      );
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('throws an invalid-input failure carrying the field message', () => {
    const missing = join(tempDir(), 'gone');
    expect(() => assertDatasetPaths(dataset({ source: 'idx', path: missing }))).toThrow(
      expect.objectContaining({
        code: 'invalid-input',
        message: `The dataset cannot be used (dataset.path: No such folder: ${missing})`,
        fields: { 'dataset.path': `No such folder: ${missing}` },
      }),
    );
  });
});
