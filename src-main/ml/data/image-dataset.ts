/** Images in memory as bytes, NHWC order, one label each. */
export interface ImageDataset {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** A training split and a held-out split for evaluation. */
export interface DatasetSplits {
  name: string;
  train: ImageDataset;
  test: ImageDataset;
  classNames: string[];
}

/** The first `count` images of a dataset (views share the buffers). */
export function takeFirst(dataset: ImageDataset, count: number): ImageDataset {
  const n = Math.min(count, dataset.count);
  const pixels = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    count: n,
    images: dataset.images.subarray(0, n * pixels),
    labels: dataset.labels.subarray(0, n),
  };
}

/** Copies the given rows into one contiguous batch buffer. */
export function gatherImages(dataset: ImageDataset, indices: ArrayLike<number>): Uint8Array {
  const pixels = dataset.height * dataset.width * dataset.channels;
  const batch = new Uint8Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i]! * pixels;
    batch.set(dataset.images.subarray(start, start + pixels), i * pixels);
  }
  return batch;
}
