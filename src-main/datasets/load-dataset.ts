import { basename, resolve } from 'node:path';
import type { RunConfig } from '@shared/config/run-config';
import type { DatasetSplits } from '../ml/data/image-dataset';
import { loadCifar10, loadCifar100 } from './cifar';
import { FASHION_MNIST_CLASSES, loadEmbeddedDataset, loadIdxFolder } from './idx-folder';
import { loadImageFolder } from './image-folder';
import type { DatasetProgress } from './progress';

/** Where a run's images come from. Every source has a held-out split for evaluation. */
export type DatasetSpec =
  /** The Fashion-MNIST subset shipped in resources/. */
  | { source: 'embedded' }
  /** An MNIST-layout folder: train-* and t10k-* IDX files, gzip or raw. */
  | { source: 'idx'; path: string }
  /** CIFAR-10 binary version: `cifar-10-batches-bin` or the folder holding it. */
  | { source: 'cifar10'; path: string }
  /** CIFAR-100 binary version: `cifar-100-binary` or the folder holding it. */
  | { source: 'cifar100'; path: string; labels: 'fine' | 'coarse' }
  /** One sub-folder of PNG/JPEG images per class (or train/ + test/ or val/ folders laid out so). */
  | { source: 'image-folder'; path: string; imageSize: number; testFraction: number; seed: number };

/**
 * The dataset a run configuration names, as the loader takes it: image folders are split with
 * the run's seed, so training, evaluation and export see the same held-out images.
 */
export function datasetSpecOf(config: RunConfig): DatasetSpec {
  const { dataset } = config;
  if (dataset.source === 'image-folder') return { ...dataset, seed: config.seed };
  return dataset;
}

export interface LoadDatasetOptions {
  /** Called while image folders are decoded (thousands of files take a while). */
  onProgress?: (progress: DatasetProgress) => void;
}

/**
 * Class names of an IDX folder: Fashion-MNIST's when its path says so, else the label numbers
 * (digits for MNIST), as many as the largest label needs.
 */
function idxClassNames(path: string, labels: Uint8Array[]): string[] {
  let highest = 0;
  for (const split of labels) for (const label of split) highest = Math.max(highest, label);
  const known = /fashion/i.test(resolve(path)) && highest < 10 ? FASHION_MNIST_CLASSES : [];
  return Array.from({ length: Math.max(highest + 1, known.length) }, (_, i) => known[i] ?? String(i));
}

/**
 * Loads the train and held-out splits of a dataset as uint8 NHWC images. Relative paths are
 * relative to the working directory; `resourcesDir` holds the embedded dataset. Missing or damaged
 * files throw an error that names the file and what was expected.
 */
export async function loadDataset(
  spec: DatasetSpec,
  resourcesDir: string,
  options: LoadDatasetOptions = {},
): Promise<DatasetSplits> {
  switch (spec.source) {
    case 'embedded':
      return loadEmbeddedDataset(resourcesDir);
    case 'idx': {
      const data = loadIdxFolder(spec.path, basename(resolve(spec.path)), []);
      data.classNames = idxClassNames(spec.path, [data.train.labels, data.test.labels]);
      return data;
    }
    case 'cifar10':
      return loadCifar10(spec.path);
    case 'cifar100':
      return loadCifar100(spec.path, spec.labels);
    case 'image-folder':
      return loadImageFolder(spec.path, { ...spec, onProgress: options.onProgress });
  }
}
