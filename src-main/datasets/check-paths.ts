/**
 * Checks, before a run is created, that the dataset files its configuration names are there:
 * a missing folder found by the worker minutes later leaves a failed run behind, while here it
 * is a field error (`dataset.path`) the form shows beside the field and the CLI prints, and
 * nothing is written. Only existence and layout are checked; the loaders still verify contents.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasetConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';

const IDX_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];
const CIFAR10_FILES = [...[1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), 'test_batch.bin'];
const CIFAR100_FILES = ['train.bin', 'test.bin'];

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** Why `folder` cannot be read as a folder, or undefined when it can. */
function folderProblem(folder: string, shown: string): string | undefined {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) return `No such folder: ${shown}`;
  if (!stat.isDirectory()) return `Not a folder: ${shown}`;
  try {
    accessSync(folder, constants.R_OK | constants.X_OK);
  } catch {
    return `Cannot read the folder ${shown} (permission denied)`;
  }
  return undefined;
}

/** The files of `names` missing from `folder` (an IDX file may also be gzip'd). */
function missingFiles(folder: string, names: readonly string[], gzipToo = false): string[] {
  return names.filter(
    (name) => !isFile(join(folder, name)) && !(gzipToo && isFile(join(folder, `${name}.gz`))),
  );
}

/** CIFAR's files are in the folder itself or in its standard sub-folder (as the archive unpacks). */
function cifarProblem(folder: string, shown: string, files: readonly string[], subfolder: string) {
  const direct = missingFiles(folder, files);
  if (direct.length === 0 || missingFiles(join(folder, subfolder), files).length === 0) return undefined;
  return `Missing ${direct.join(', ')} in ${shown} (nor in its ${subfolder} folder)`;
}

/** An image folder needs class sub-folders, in it or in its train/ folder. */
function imageFolderProblem(folder: string, shown: string): string | undefined {
  const train = statSync(join(folder, 'train'), { throwIfNoEntry: false })?.isDirectory()
    ? join(folder, 'train')
    : folder;
  let hasClass: boolean;
  try {
    hasClass = readdirSync(train, { withFileTypes: true }).some((entry) => entry.isDirectory());
  } catch (error) {
    return `Cannot read ${train}: ${(error as Error).message}`;
  }
  return hasClass ? undefined : `${shown} has no class sub-folders (one folder of images per class)`;
}

/**
 * The problem with the dataset's files, as `{ 'dataset.path': message }`, or an empty object.
 * Relative paths are taken from `cwd`, as the worker, which inherits it, will.
 */
export function datasetPathProblems(dataset: DatasetConfig, cwd = process.cwd()): Record<string, string> {
  if (dataset.source === 'embedded') return {};
  const folder = resolve(cwd, dataset.path);
  const shown = folder === dataset.path ? folder : `${dataset.path} (${folder})`;
  let problem = folderProblem(folder, shown);
  if (!problem) {
    switch (dataset.source) {
      case 'idx': {
        const missing = missingFiles(folder, IDX_FILES, true);
        if (missing.length > 0) problem = `Missing ${missing.join(', ')} (.gz or raw) in ${shown}`;
        break;
      }
      case 'cifar10':
        problem = cifarProblem(folder, shown, CIFAR10_FILES, 'cifar-10-batches-bin');
        break;
      case 'cifar100':
        problem = cifarProblem(folder, shown, CIFAR100_FILES, 'cifar-100-binary');
        break;
      case 'image-folder':
        problem = imageFolderProblem(folder, shown);
        break;
    }
  }
  return problem ? { 'dataset.path': problem } : {};
}

/** Throws an `invalid-input` failure with the field message when the dataset's files are not there. */
export function assertDatasetPaths(dataset: DatasetConfig, cwd?: string): void {
  const fields = datasetPathProblems(dataset, cwd);
  const message = fields['dataset.path'];
  if (message)
    throw new AppFailure('invalid-input', `The dataset cannot be used (dataset.path: ${message})`, fields);
}
