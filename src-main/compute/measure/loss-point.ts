/**
 * Times a loss's forward + backward on random [n, d] embeddings: `bench loss` over its grid,
 * `bench gpu` at its fixed points, and the cost-study worker job over its (loss, b, d) points.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '@shared/config/run-config';
import { createLoss, drawPermutation, type LossFunction } from '../../ml/losses/registry';
import type { Random } from '../../ml/random';
import { withGpuPeak } from './device-memory';
import { residentBytes, resetPeak } from './process-memory';

/** The median (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LossMeasurement {
  medianMs: number;
  minMs: number;
  /**
   * Median process CPU time (user + system) per pass: on a machine shared with other work this
   * is closer than the wall time to the uncontended time of the single-threaded kernels.
   */
  medianCpuMs: number;
  /**
   * Peak process RSS during the timed passes over the resting RSS after the warm-up: the memory
   * a pass takes beyond what the warmed-up process holds (the OS high-water mark, reset before
   * the timed passes on Linux). Heap growth the warm-up caused is not in it.
   */
  peakBytes: number;
  /** Peak bytes of tfjs tensors during one forward + backward (tf.profile). */
  tfPeakBytes: number;
  /** GPU buffers the point needed (webgpu, see `withGpuPeak`), else null. */
  gpuPeakBytes: number | null;
  /** Wall time of each timed pass, and of each warm-up pass (for a look at the first-pass cost). */
  timesMs: number[];
  warmupMs: number[];
}

/** The peak a cost study stores for a point: the device's memory where there is one (webgpu), else the tfjs tensors'. */
export function devicePeakBytes(measurement: Pick<LossMeasurement, 'gpuPeakBytes' | 'tfPeakBytes'>): number {
  return measurement.gpuPeakBytes ?? measurement.tfPeakBytes;
}

export interface LossPoint {
  config: LossConfig;
  n: number;
  d: number;
  /** Timed passes: the median and min are over these only. */
  repetitions: number;
  /** Untimed passes before them. */
  warmup: number;
  /** Draws the embeddings' seeds and each pass's permutation. */
  random: Random;
}

/**
 * One forward + backward pass, finished: the loss is read back. On webgpu the kernels are only
 * queued when they return; the gradients were queued before the read-back's copy, and the queue
 * runs in order, so the read-back resolves after them (reading only the scalar keeps the
 * transfer out of the time). The other backends run kernels synchronously.
 */
async function pass(loss: LossFunction, z1: tf.Tensor2D, z2: tf.Tensor2D, permutation: Int32Array | null) {
  const { value, grads } = tf.tidy(() =>
    tf.valueAndGrads(
      (a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D, { permutation }).loss,
    )([z1, z2]),
  );
  try {
    await value.data();
  } finally {
    tf.dispose([value, ...grads]);
  }
}

async function timedPass(point: LossPoint, loss: LossFunction, z1: tf.Tensor2D, z2: tf.Tensor2D) {
  const permutation = drawPermutation(point.config, point.d, point.random);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await pass(loss, z1, z2, permutation);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Warm-up passes first, untimed: the first passes of a configuration grow the wasm heap, build
 * FFT plans, XNNPACK caches and WebGPU pipelines, and would otherwise be charged to whichever
 * loss runs first. Then the timed passes, with memory measured from the resting RSS after the
 * warm-up.
 */
export function measureLoss(point: LossPoint): Promise<LossMeasurement> {
  return withGpuPeak(() => measureOnPool(point));
}

async function measureOnPool(point: LossPoint): Promise<Omit<LossMeasurement, 'gpuPeakBytes'>> {
  const { n, d, random } = point;
  const loss = createLoss(point.config);
  const z1 = tf.randomNormal([n, d], 0, 1, 'float32', random.nextUint32()) as tf.Tensor2D;
  const z2 = tf.randomNormal([n, d], 0, 1, 'float32', random.nextUint32()) as tf.Tensor2D;
  try {
    const warmupMs: number[] = [];
    for (let i = 0; i < point.warmup; i++) warmupMs.push((await timedPass(point, loss, z1, z2)).ms);
    const before = residentBytes();
    const peakWasReset = resetPeak();
    let sampledPeak = 0;
    const timesMs: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < point.repetitions; i++) {
      const timed = await timedPass(point, loss, z1, z2);
      timesMs.push(timed.ms);
      cpuTimes.push(timed.cpuMs);
      sampledPeak = Math.max(sampledPeak, residentBytes().rss - before.rss);
    }
    // With the peak reset, the OS high-water mark is exact; without it, it is only when this
    // configuration raised it, and otherwise the RSS sampled after each pass is what we know.
    const after = residentBytes();
    const peakBytes =
      peakWasReset || after.peak > before.peak ? Math.max(0, after.peak - before.rss) : sampledPeak;
    const permutation = drawPermutation(point.config, d, random);
    const profile = await tf.profile(() => pass(loss, z1, z2, permutation));
    return {
      medianMs: median(timesMs),
      minMs: Math.min(...timesMs),
      medianCpuMs: median(cpuTimes),
      peakBytes,
      tfPeakBytes: profile.peakBytes,
      timesMs,
      warmupMs,
    };
  } finally {
    tf.dispose([z1, z2]);
  }
}
