/**
 * Times real training steps of a configuration: `bench train` over its presets and grids,
 * `bench gpu` at its fixed points, and the cost-study worker job's whole-step points.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { releaseForwardCaches } from '../backend';
import type { DatasetSplits, ImageDataset } from '../../ml/data/image-dataset';
import { createLoss } from '../../ml/losses/registry';
import { Random } from '../../ml/random';
import { benchmarkTraining, type TrainingBenchmark } from '../../ml/train/benchmark';
import { withGpuPeak } from './device-memory';

/**
 * Random images of the shape the preset's dataset has (28x28x1 IDX, 32x32x3 CIFAR, the image
 * size of image folders): step time does not depend on pixel values, so presets whose data is
 * not on this machine can still be timed.
 */
export function syntheticDataset(config: RunConfig, count: number): DatasetSplits {
  const { dataset } = config;
  const [size, channels] =
    dataset.source === 'cifar10' || dataset.source === 'cifar100'
      ? [32, 3]
      : dataset.source === 'image-folder'
        ? [dataset.imageSize, 3]
        : [28, 1];
  const random = new Random(config.seed);
  const split = (n: number): ImageDataset => ({
    images: Uint8Array.from({ length: n * size * size * channels }, () => random.integer(256)),
    labels: Uint8Array.from({ length: n }, () => random.integer(10)),
    count: n,
    height: size,
    width: size,
    channels,
  });
  return {
    name: `synthetic ${size}x${size}x${channels}`,
    train: split(count),
    test: split(200),
    classNames: [...'0123456789'],
  };
}

export type TrainingMeasurement = Omit<TrainingBenchmark, 'dataMs' | 'forwardMs' | 'backwardMs'> & {
  /**
   * Medians of the step's parts; null on webgpu, where a part's time is only the time to queue
   * its kernels (the step's time is complete: it ends with the loss's read-back).
   */
  dataMs: number | null;
  forwardMs: number | null;
  backwardMs: number | null;
  /** GPU buffers the steps needed (webgpu, see `withGpuPeak`), else null. */
  gpuPeakBytes: number | null;
};

/** `warmupSteps` untimed steps, then `steps` timed ones (medians), with the GPU memory they took. */
export async function measureTraining(
  config: RunConfig,
  data: DatasetSplits,
  options: { warmupSteps: number; steps: number; profile?: boolean },
): Promise<TrainingMeasurement> {
  const queued = tf.getBackend() === 'webgpu';
  return withGpuPeak(async () => {
    const result = await benchmarkTraining(config, data, createLoss(config.loss), {
      ...options,
      afterForward: releaseForwardCaches,
    });
    return queued ? { ...result, dataMs: null, forwardMs: null, backwardMs: null } : result;
  });
}
