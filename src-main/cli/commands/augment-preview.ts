import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { autoAugmentationPreset } from '@shared/config/augmentation-rule';
import { selectBackend } from '../../compute/backend';
import { loadDataset, type DatasetSpec } from '../../datasets/load-dataset';
import { gatherImages } from '../../ml/data/image-dataset';
import { AUGMENTATION_PRESET_NAMES, augmentationPreset } from '../../ml/augment/presets';
import { makeViews } from '../../ml/augment/views';
import { Random } from '../../ml/random';
import { findResourcesDir } from '../../paths';
import { UsageError, type CliCommand } from '../command';

/** The images of one grid column, the whole batch: uint8 (0..255) or float (0..1) values, NHWC. */
interface GridImage {
  pixels: Uint8Array | Float32Array;
  height: number;
  width: number;
  channels: number;
}

const GAP = 4;
const BACKGROUND = 40;

/** RGB bytes of image `imageIndex` at (row, column) of a `cell`-pixel square, nearest neighbour. */
function sample(image: GridImage, row: number, column: number, cell: number, imageIndex: number): number[] {
  const y = Math.floor((row * image.height) / cell);
  const x = Math.floor((column * image.width) / cell);
  const start = ((imageIndex * image.height + y) * image.width + x) * image.channels;
  const scale = image.pixels instanceof Uint8Array ? 1 : 255;
  return [0, 1, 2].map((c) => {
    const value = image.pixels[start + (image.channels === 3 ? c : 0)]! * scale;
    return Math.max(0, Math.min(255, Math.round(value)));
  });
}

/**
 * An RGB raster with one row per image: original | view 1 | view 2, each scaled up (nearest
 * neighbour) to a common square cell so small images stay visible.
 */
export function renderGrid(originals: GridImage, views: GridImage[], count: number) {
  const side = Math.max(
    originals.height,
    originals.width,
    ...views.map((view) => Math.max(view.height, view.width)),
  );
  const cell = side * Math.max(1, Math.round(128 / side));
  const columns = [originals, ...views];
  const width = GAP + columns.length * (cell + GAP);
  const height = GAP + count * (cell + GAP);
  const data = new Uint8Array(width * height * 3).fill(BACKGROUND);
  for (let index = 0; index < count; index++) {
    columns.forEach((image, column) => {
      const top = GAP + index * (cell + GAP);
      const left = GAP + column * (cell + GAP);
      for (let row = 0; row < cell; row++) {
        for (let x = 0; x < cell; x++)
          data.set(sample(image, row, x, cell, index), ((top + row) * width + left + x) * 3);
      }
    });
  }
  return { data, width, height };
}

/** `embedded`, `idx:PATH`, `cifar10:PATH`, `cifar100:PATH` (fine labels), `image-folder:PATH`. */
export function parseDatasetArgument(value: string, imageSize: number, seed: number): DatasetSpec {
  if (value === 'embedded') return { source: 'embedded' };
  const colon = value.indexOf(':');
  const kind = colon > 0 ? value.slice(0, colon) : '';
  const path = value.slice(colon + 1);
  if (!path) throw new UsageError(`--dataset ${value}: give a path, e.g. cifar10:/data/cifar-10-batches-bin`);
  switch (kind) {
    case 'idx':
      return { source: 'idx', path };
    case 'cifar10':
      return { source: 'cifar10', path };
    case 'cifar100':
      return { source: 'cifar100', path, labels: 'fine' };
    case 'image-folder':
      return { source: 'image-folder', path, imageSize, testFraction: 0.1, seed };
    default:
      throw new UsageError(
        `--dataset ${value}: expected embedded, idx:PATH, cifar10:PATH, cifar100:PATH or image-folder:PATH`,
      );
  }
}

function positiveInteger(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${option} must be a whole number >= 0`);
  return number;
}

export const augmentPreviewCommand: CliCommand = {
  name: 'augment-preview',
  summary: 'Write a PNG grid of images and their two augmented views',
  usage: `Usage: npm run cli -- augment-preview --dataset SOURCE --out FILE.png [--preset NAME] [--count 8] [--seed 0]

  --dataset SOURCE   embedded | idx:PATH | cifar10:PATH | cifar100:PATH | image-folder:PATH
  --out FILE         the PNG to write: one row per image, original | view 1 | view 2
  --preset NAME      ${AUGMENTATION_PRESET_NAMES.join(', ')}
                     (default: light for grayscale images, bt-cifar otherwise)
  --count N          images to show (default 8)
  --seed N           picks the images and the augmentations (default 0)
  --image-size N     side images of an image folder are resized to (default 64)`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        dataset: { type: 'string' },
        out: { type: 'string' },
        preset: { type: 'string' },
        count: { type: 'string' },
        seed: { type: 'string' },
        'image-size': { type: 'string' },
      },
    });
    if (!values.dataset) throw new UsageError('Give --dataset');
    if (!values.out) throw new UsageError('Give --out FILE.png');
    const count = positiveInteger(values.count, 8, '--count');
    const seed = positiveInteger(values.seed, 0, '--seed');
    const imageSize = positiveInteger(values['image-size'], 64, '--image-size');
    if (count < 1 || count > 256) throw new UsageError('--count must be between 1 and 256');
    if (values.preset && !(AUGMENTATION_PRESET_NAMES as string[]).includes(values.preset))
      throw new UsageError(
        `Unknown preset "${values.preset}"; known: ${AUGMENTATION_PRESET_NAMES.join(', ')}`,
      );
    const spec = parseDatasetArgument(values.dataset, imageSize, seed);

    const backend = await selectBackend('auto');
    const resources = spec.source === 'embedded' ? findResourcesDir(context.buildDir) : '';
    const data = await loadDataset(spec, resources, {
      onProgress: (progress) => context.stderr.write(`\rDecoding ${progress.done}/${progress.total} images`),
    });
    const { train } = data;
    const shown = Math.min(count, train.count);
    const random = new Random(seed);
    const indices = random.permutation(train.count).subarray(0, shown);
    const images = gatherImages(train, indices);
    // What a Barlow Twins run's `auto` would pick for these images.
    const presetName = values.preset ?? autoAugmentationPreset(train.channels, 'bt');
    const pipelines = augmentationPreset(presetName).map(({ normalization: _, ...rest }) => rest);
    const shape = [shown, train.height, train.width, train.channels] as const;
    const [first, second] = makeViews(images, shape, [pipelines[0]!, pipelines[1]!], random.fork());
    const views = [await first.data(), await second.data()] as Float32Array[];
    tf.dispose([first, second]);

    const png = renderGrid(
      { pixels: images, height: train.height, width: train.width, channels: train.channels },
      views.map((pixels) => ({
        pixels,
        height: first.shape[1],
        width: first.shape[2],
        channels: train.channels,
      })),
      shown,
    );
    mkdirSync(dirname(values.out), { recursive: true });
    await sharp(png.data, { raw: { width: png.width, height: png.height, channels: 3 } })
      .png()
      .toFile(values.out);
    context.stderr.write(
      `${spec.source === 'image-folder' ? '\n' : ''}${data.name}: ${shown} images, preset ${presetName}, backend ${backend.name}\n`,
    );
    context.stdout.write(`${values.out}\n`);
    return 0;
  },
};
