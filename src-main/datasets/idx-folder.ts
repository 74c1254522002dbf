import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseIdx } from '../ml/data/idx';
import type { DatasetSplits, ImageDataset } from '../ml/data/image-dataset';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Reads `<prefix>-images-idx3-ubyte[.gz]`, gzip or raw, with a clear error for a missing file. */
function readIdxFile(folder: string, baseName: string) {
  for (const candidate of [`${baseName}.gz`, baseName]) {
    const path = join(folder, candidate);
    if (!existsSync(path)) continue;
    let bytes: Uint8Array = readFileSync(path);
    if (candidate.endsWith('.gz')) {
      try {
        bytes = gunzipSync(bytes);
      } catch (error) {
        throw new Error(`${path} is not a valid gzip file (${(error as Error).message})`);
      }
    }
    return parseIdx(bytes, path);
  }
  throw new Error(`Missing dataset file: expected ${join(folder, baseName)}.gz (or without .gz)`);
}

function readSplit(folder: string, prefix: string): ImageDataset {
  const images = readIdxFile(folder, `${prefix}-images-idx3-ubyte`);
  const labels = readIdxFile(folder, `${prefix}-labels-idx1-ubyte`);
  if (images.shape.length !== 3) {
    throw new Error(`${prefix}-images in ${folder} must have 3 dimensions (count, rows, columns)`);
  }
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new Error(`${prefix} in ${folder}: ${count} images but ${labels.shape[0]} labels`);
  }
  return { images: images.data, labels: labels.data, count, height, width, channels: 1 };
}

/** An MNIST-layout folder: train-* and t10k-* IDX files (e.g. Debian's /usr/share/datasets/fashion-mnist). */
export function loadIdxFolder(folder: string, name: string, classNames: string[]): DatasetSplits {
  return { name, train: readSplit(folder, 'train'), test: readSplit(folder, 't10k'), classNames };
}

/** The Fashion-MNIST subset shipped in resources/ (10k train, 2k test). */
export function loadEmbeddedDataset(resourcesDir: string): DatasetSplits {
  return loadIdxFolder(
    join(resourcesDir, 'datasets', 'fashion-mnist-subset'),
    'Fashion-MNIST subset (embedded)',
    FASHION_MNIST_CLASSES,
  );
}
