import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { ColorStep } from '../augment/color';
import { drawViewParameters, type ViewParameters } from '../augment/parameters';
import { checkPipeline, type AugmentationPipeline } from '../augment/pipeline';
import { applyViewParameters, imagesToTensor } from '../augment/views';
import { gatherImages, type ImageDataset } from '../data/image-dataset';
import { withFrozenMovingStatistics } from '../models/batch-norm';
import type { Encoder } from '../models/mlp-encoder';
import { Random } from '../random';

/** The numbers a probe forward produces (row-major, n rows). */
export interface ProbeOutputs {
  z1: Float32Array;
  z2: Float32Array;
  h1: Float32Array;
  h2: Float32Array;
  d: number;
  featureDim: number;
}

/**
 * The projector's activations may take this many bytes per tensor before its forward goes in
 * chunks. A forward in a tidy keeps ~10 such tensors alive until it ends, and the wasm heap never
 * shrinks (4 GiB at most, which large-d runs already come near): about 320 MiB at most. At n =
 * 512 it covers d <= 16384.
 */
const PROJECTOR_TENSOR_BYTES = 32 * 2 ** 20;

/** Views of a probe batch up to this size (each) are made once and kept (see `ProbeBatch.views`). */
const VIEW_CACHE_BYTES = 32 * 2 ** 20;

/** The fewest images of a backbone chunk (the run's batch size when larger). */
const MIN_BACKBONE_CHUNK = 256;

function sliceStep(step: ColorStep, start: number, end: number): ColorStep {
  return {
    scale: step.scale.subarray(start, end),
    gray: step.gray.subarray(start, end),
    rotation: step.rotation.subarray(start, end),
    contrast: step.contrast.subarray(start, end),
  };
}

/** The parameters of images [start, end) of a drawn view (every choice is per image). */
function sliceParameters(parameters: ViewParameters, start: number, end: number): ViewParameters {
  const { blur, solarize, grayscale } = parameters;
  return {
    ...parameters,
    boxes: parameters.boxes.subarray(start * 4, end * 4),
    colorSteps: parameters.colorSteps.map((step) => sliceStep(step, start, end)),
    grayscale: grayscale ? sliceStep(grayscale, start, end) : null,
    blur: blur ? { sigmas: blur.sigmas.subarray(start, end), radius: blur.radius } : null,
    solarize: solarize ? solarize.subarray(start, end) : null,
  };
}

/**
 * The inspector's fixed probe batch (issue 12): `probeImages` images of the training split and
 * their two augmented views, drawn once from a generator seeded with `probeSeed` (never the run's
 * generators), so every snapshot of a run, before and after a resume, and a capture from any of
 * its checkpoints see the same inputs. The images are kept as bytes and the views' random choices
 * as parameters; the views are rebuilt chunk by chunk at each snapshot, so a large probe batch of
 * large images never sits in memory as floats.
 */
export class ProbeBatch {
  readonly n: number;
  readonly indices: Int32Array;
  private readonly images: Uint8Array;
  private readonly shape: [number, number, number, number];
  private readonly parameters: [ViewParameters, ViewParameters];
  private readonly cache: [
    { values: Float32Array; shape: [number, number, number, number] } | undefined,
    { values: Float32Array; shape: [number, number, number, number] } | undefined,
  ] = [undefined, undefined];

  constructor(
    train: ImageDataset,
    pipelines: readonly [AugmentationPipeline, AugmentationPipeline],
    probeImages: number,
    probeSeed: number,
  ) {
    const random = new Random(probeSeed);
    this.n = Math.min(probeImages, train.count);
    this.indices = random.permutation(train.count).slice(0, this.n);
    this.images = gatherImages(train, this.indices);
    this.shape = [this.n, train.height, train.width, train.channels];
    for (const pipeline of pipelines) checkPipeline(pipeline, train.channels);
    // The same order of draws as `makeViews`: all of view 1, then view 2.
    this.parameters = [
      drawViewParameters(pipelines[0], this.shape, random),
      drawViewParameters(pipelines[1], this.shape, random),
    ];
  }

  /** View `view` (0 or 1) of images [start, end), as float32 [end - start, S, S, C]; caller disposes. */
  views(view: 0 | 1, start: number, end: number): tf.Tensor4D {
    const cached = this.cachedView(view);
    if (!cached) return this.augment(view, start, end);
    const [, size, , channels] = cached.shape;
    const perImage = size * size * channels;
    return tf.tensor4d(cached.values.subarray(start * perImage, end * perImage), [
      end - start,
      size,
      size,
      channels,
    ]);
  }

  /**
   * Both views of small probe batches are made once and kept as floats on the host (the quickstart's
   * are 1.6 MB each): rebuilding them at every snapshot cost as much as the forward passes.
   */
  private cachedView(
    view: 0 | 1,
  ): { values: Float32Array; shape: [number, number, number, number] } | undefined {
    const [n, , , channels] = this.shape;
    const [size] = this.parameters[view].size;
    if (n * size * size * channels * 4 > VIEW_CACHE_BYTES) return undefined;
    // webgpu cannot read back synchronously in Node; there the views are rebuilt on the device.
    if (tf.getBackend() === 'webgpu') return undefined;
    let cached = this.cache[view];
    if (!cached) {
      const tensor = this.augment(view, 0, n);
      cached = { values: tensor.dataSync() as Float32Array, shape: tensor.shape };
      tensor.dispose();
      this.cache[view] = cached;
    }
    return cached;
  }

  private augment(view: 0 | 1, start: number, end: number): tf.Tensor4D {
    const [, height, width, channels] = this.shape;
    const pixelsPerImage = height * width * channels;
    return tf.tidy(() => {
      const pixels = imagesToTensor(this.images.subarray(start * pixelsPerImage, end * pixelsPerImage), [
        end - start,
        height,
        width,
        channels,
      ]);
      return applyViewParameters(pixels, sliceParameters(this.parameters[view], start, end));
    });
  }
}

/** How a probe forward is split: images per backbone chunk, and whether the projector is chunked too. */
export interface ProbeChunks {
  backbone: number;
  projector: number;
}

/**
 * The backbone goes in chunks of max(batch size, 256) images: a chunk of the run's own batch size
 * fits in memory by construction (training holds more per image). Backbones with batch norm then
 * normalise each chunk with its own statistics, as a training step normalises its batch; the MLP
 * backbone has none, so its features do not depend on the chunking. The projector sees the whole
 * probe batch at once (its batch norm over all n images) unless its activations would pass
 * PROJECTOR_TENSOR_BYTES per tensor.
 */
export function probeChunks(config: RunConfig, n: number): ProbeChunks {
  const backbone = Math.min(n, Math.max(config.training.batchSize, MIN_BACKBONE_CHUNK));
  const { projectorHiddenDim, projectorOutputDim } = config.model;
  const widest = Math.max(projectorHiddenDim, projectorOutputDim);
  const projector = n * widest * 4 <= PROJECTOR_TENSOR_BYTES ? n : backbone;
  return { backbone, projector };
}

/**
 * Forwards both views of the probe batch through the backbone and the projector in training mode
 * (batch statistics, as the loss sees them) without touching the batch-norm moving statistics
 * and without a gradient tape. `onProgress` hears (done, total) per chunk.
 */
export async function forwardProbe(
  encoder: Encoder,
  probe: ProbeBatch,
  chunks: ProbeChunks,
  onProgress?: (done: number, total: number) => void,
): Promise<ProbeOutputs> {
  const { n } = probe;
  const starts = (size: number) => Array.from({ length: Math.ceil(n / size) }, (_, i) => i * size);
  const total = 2 * (starts(chunks.backbone).length + starts(chunks.projector).length);
  let done = 0;
  const outputs: Float32Array[][] = [];
  for (const view of [0, 1] as const) {
    const features: tf.Tensor2D[] = [];
    let z: tf.Tensor2D[] = [];
    try {
      for (const start of starts(chunks.backbone)) {
        const end = Math.min(n, start + chunks.backbone);
        features.push(
          withFrozenMovingStatistics(() =>
            tf.tidy(
              () => encoder.backbone.apply(probe.views(view, start, end), { training: true }) as tf.Tensor2D,
            ),
          ) as tf.Tensor2D,
        );
        onProgress?.(++done, total);
      }
      const h = features.length === 1 ? features[0]! : tf.concat(features, 0);
      if (h !== features[0]) features.push(h);
      z = starts(chunks.projector).map((start) => {
        const end = Math.min(n, start + chunks.projector);
        const part = withFrozenMovingStatistics(() =>
          tf.tidy(() => {
            const rows = end - start === n ? h : h.slice([start, 0], [end - start, -1]);
            return encoder.projector.apply(rows, { training: true }) as tf.Tensor2D;
          }),
        );
        onProgress?.(++done, total);
        return part;
      });
      const zAll = await Promise.all(z.map((part) => part.data() as Promise<Float32Array>));
      outputs.push([(await h.data()) as Float32Array, concatRows(zAll)]);
    } finally {
      tf.dispose([...features, ...z]);
    }
  }
  const [[h1, z1], [h2, z2]] = outputs as [[Float32Array, Float32Array], [Float32Array, Float32Array]];
  return { z1, z2, h1, h2, d: z1.length / n, featureDim: h1.length / n };
}

function concatRows(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
