import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetSplits, ImageDataset } from '../ml/data/image-dataset';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './cifar-classes';

/**
 * CIFAR-10 and CIFAR-100 in their binary ("suitable for C programs") versions,
 * https://www.cs.toronto.edu/~kriz/cifar.html: fixed-size records of label byte(s) then 3072 pixel
 * bytes, the 1024 red values first, then green, then blue, each plane row-major 32x32.
 */

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const IMAGE_BYTES = 3 * PIXELS;

interface RecordLayout {
  /** Label bytes before the pixels (1 for CIFAR-10; coarse then fine for CIFAR-100). */
  labelBytes: number;
  /** Which label byte to keep. */
  labelOffset: number;
  classCount: number;
}

/** The folder itself if it holds `marker`, else its standard sub-folder when that does. */
function resolveFolder(path: string, marker: string, subfolder: string): string {
  if (existsSync(join(path, marker))) return path;
  if (existsSync(join(path, subfolder, marker))) return join(path, subfolder);
  if (!existsSync(path)) throw new Error(`Dataset folder not found: ${path}`);
  throw new Error(`Missing dataset file: expected ${join(path, marker)} (or in ${join(path, subfolder)})`);
}

/** Reads record files into one NHWC uint8 dataset, checking sizes and labels. */
function readRecords(files: string[], layout: RecordLayout): ImageDataset {
  const recordBytes = layout.labelBytes + IMAGE_BYTES;
  const contents = files.map((file) => {
    if (!existsSync(file)) throw new Error(`Missing dataset file: expected ${file}`);
    const size = statSync(file).size;
    if (size === 0 || size % recordBytes !== 0) {
      throw new Error(
        `${file} is truncated or not a CIFAR binary file: ${size} bytes is not a whole number of ${recordBytes}-byte records`,
      );
    }
    return readFileSync(file);
  });
  const count = contents.reduce((total, bytes) => total + bytes.length / recordBytes, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let index = 0;
  contents.forEach((bytes, fileIndex) => {
    for (let start = 0; start < bytes.length; start += recordBytes, index++) {
      const label = bytes[start + layout.labelOffset]!;
      if (label >= layout.classCount) {
        throw new Error(
          `${files[fileIndex]}: record ${start / recordBytes} has label ${label}, expected 0..${layout.classCount - 1} (corrupt file?)`,
        );
      }
      labels[index] = label;
      // Planar CHW -> interleaved HWC.
      const pixels = start + layout.labelBytes;
      const target = index * IMAGE_BYTES;
      for (let p = 0; p < PIXELS; p++) {
        images[target + 3 * p] = bytes[pixels + p]!;
        images[target + 3 * p + 1] = bytes[pixels + PIXELS + p]!;
        images[target + 3 * p + 2] = bytes[pixels + 2 * PIXELS + p]!;
      }
    }
  });
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

/** Class names from a text file (one per line), or the built-in ones when it is absent. */
function classNames(file: string, fallback: readonly string[]): string[] {
  if (!existsSync(file)) return [...fallback];
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== fallback.length) {
    throw new Error(`${file} lists ${names.length} class names, expected ${fallback.length}`);
  }
  return names;
}

/**
 * CIFAR-10 from `cifar-10-batches-bin` (data_batch_1..5.bin, test_batch.bin, batches.meta.txt), given
 * that folder or the one holding it.
 */
export function loadCifar10(path: string): DatasetSplits {
  const folder = resolveFolder(path, 'test_batch.bin', 'cifar-10-batches-bin');
  const layout = { labelBytes: 1, labelOffset: 0, classCount: 10 };
  const trainFiles = [1, 2, 3, 4, 5].map((i) => join(folder, `data_batch_${i}.bin`));
  return {
    name: 'CIFAR-10',
    train: readRecords(trainFiles, layout),
    test: readRecords([join(folder, 'test_batch.bin')], layout),
    classNames: classNames(join(folder, 'batches.meta.txt'), CIFAR10_CLASSES),
  };
}

/**
 * CIFAR-100 from `cifar-100-binary` (train.bin, test.bin, fine/coarse_label_names.txt), given that
 * folder or the one holding it; `labels` picks the 100 fine or the 20 coarse classes.
 */
export function loadCifar100(path: string, labels: 'fine' | 'coarse'): DatasetSplits {
  const folder = resolveFolder(path, 'test.bin', 'cifar-100-binary');
  const fine = labels === 'fine';
  const layout = { labelBytes: 2, labelOffset: fine ? 1 : 0, classCount: fine ? 100 : 20 };
  const namesFile = join(folder, `${labels}_label_names.txt`);
  return {
    name: `CIFAR-100 (${labels} labels)`,
    train: readRecords([join(folder, 'train.bin')], layout),
    test: readRecords([join(folder, 'test.bin')], layout),
    classNames: classNames(namesFile, fine ? CIFAR100_FINE_CLASSES : CIFAR100_COARSE_CLASSES),
  };
}
