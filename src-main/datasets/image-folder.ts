import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import type { DatasetSplits, ImageDataset } from '../ml/data/image-dataset';
import { Random } from '../ml/random';
import type { DatasetProgress } from './progress';

/** Options of an image-folder dataset. */
export interface ImageFolderOptions {
  /** Side of the square images after resizing (pixels). */
  imageSize: number;
  /** Share of each class held out for evaluation when the folder has no train/ + test/ split. */
  testFraction: number;
  /** Seed of that split. */
  seed: number;
  onProgress?: (progress: DatasetProgress) => void;
}

interface LabelledFile {
  path: string;
  label: number;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Labels are stored as bytes. */
const MAX_CLASSES = 256;
/** Files decoded at once: libvips works on its own threads, this just keeps them busy. */
const CONCURRENCY = 8;

const isDirectory = (path: string) => statSync(path).isDirectory();

function subfolders(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.') && isDirectory(join(folder, name)))
    .sort();
}

function imageFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(folder, name));
}

/** The files of a folder laid out as one sub-folder per class, labelled by `classes`. */
function listClassFiles(folder: string, classes: string[], requireAll: boolean): LabelledFile[] {
  const files: LabelledFile[] = [];
  for (const name of subfolders(folder)) {
    const label = classes.indexOf(name);
    if (label < 0) {
      throw new Error(
        `${join(folder, name)} is a class missing from the training folder (${classes.join(', ')})`,
      );
    }
    const found = imageFiles(join(folder, name));
    if (found.length === 0 && requireAll)
      throw new Error(`${join(folder, name)} holds no PNG or JPEG images`);
    files.push(...found.map((path) => ({ path, label })));
  }
  return files;
}

/** Per class, a seeded random `fraction` (at least one image, never all) goes to the test split. */
function stratifiedSplit(files: LabelledFile[], fraction: number, seed: number) {
  const random = new Random(seed);
  const train: LabelledFile[] = [];
  const test: LabelledFile[] = [];
  const byClass = new Map<number, LabelledFile[]>();
  for (const file of files) {
    const members = byClass.get(file.label);
    if (members) members.push(file);
    else byClass.set(file.label, [file]);
  }
  for (const members of byClass.values()) {
    const order = random.permutation(members.length);
    const held =
      members.length < 2
        ? 0
        : Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    order.forEach((index, position) => (position < held ? test : train).push(members[index]!));
  }
  return { train, test };
}

interface DecodedImage {
  pixels: Buffer;
  channels: number;
}

/** Decodes, centre-crops to a square and resizes one file; 1 channel for gray images, else RGB. */
async function decode(path: string, size: number): Promise<DecodedImage> {
  try {
    const image = sharp(path);
    const { channels = 3, space } = await image.metadata();
    // Gray (with or without alpha) stays one channel; sharp would otherwise convert it to sRGB.
    const gray = space === 'b-w' || space === 'grey16' || channels <= 2;
    const { data, info } = await image
      .rotate() // honour EXIF orientation
      .resize(size, size, { fit: 'cover' })
      .removeAlpha()
      .toColourspace(gray ? 'b-w' : 'srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3)
      throw new Error(`${info.channels} channels after decoding (expected 1 or 3)`);
    return { pixels: data, channels: info.channels };
  } catch (error) {
    throw new Error(`${path} could not be decoded as a PNG or JPEG image: ${(error as Error).message}`);
  }
}

async function decodeAll(files: LabelledFile[], size: number, report: () => void): Promise<DecodedImage[]> {
  const results: DecodedImage[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      results[index] = await decode(files[index]!.path, size);
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  return results;
}

/** Packs decoded images into one NHWC dataset with `channels` channels (gray repeated into RGB). */
function pack(files: LabelledFile[], decoded: DecodedImage[], size: number, channels: number): ImageDataset {
  const pixels = size * size;
  const images = new Uint8Array(files.length * pixels * channels);
  decoded.forEach((image, index) => {
    const target = index * pixels * channels;
    if (image.channels === channels) {
      images.set(image.pixels, target);
    } else {
      for (let p = 0; p < pixels; p++) images.fill(image.pixels[p]!, target + 3 * p, target + 3 * p + 3);
    }
  });
  const labels = Uint8Array.from(files, (file) => file.label);
  return { images, labels, count: files.length, height: size, width: size, channels };
}

/**
 * A folder with one sub-folder of PNG/JPEG images per class, or with `train/` and `test/` (or
 * `val/`) folders laid out that way. Images are centre-cropped to a square and resized to
 * `imageSize` (sharp/libvips); they stay single-channel when every image is gray, else all are RGB.
 * Without a test folder, a seeded stratified `testFraction` of each class is held out.
 */
export async function loadImageFolder(path: string, options: ImageFolderOptions): Promise<DatasetSplits> {
  if (!existsSync(path) || !isDirectory(path)) throw new Error(`Image folder not found: ${path}`);
  const { imageSize, testFraction, seed, onProgress } = options;
  if (!(Number.isInteger(imageSize) && imageSize >= 1))
    throw new Error(`imageSize must be a positive integer`);
  const heldOutName = ['test', 'val'].find((name) => existsSync(join(path, name)));
  const trainFolder = existsSync(join(path, 'train')) ? join(path, 'train') : path;
  const classes = subfolders(trainFolder);
  if (classes.length === 0)
    throw new Error(`${trainFolder} has no class sub-folders (one folder of images per class)`);
  if (classes.length > MAX_CLASSES)
    throw new Error(`${trainFolder} has ${classes.length} classes; at most ${MAX_CLASSES} are supported`);
  let split: { train: LabelledFile[]; test: LabelledFile[] };
  if (trainFolder !== path && heldOutName) {
    split = {
      train: listClassFiles(trainFolder, classes, true),
      test: listClassFiles(join(path, heldOutName), classes, false),
    };
  } else {
    if (!(testFraction > 0 && testFraction < 1)) throw new Error('testFraction must be in (0, 1)');
    split = stratifiedSplit(listClassFiles(trainFolder, classes, true), testFraction, seed);
  }
  const total = split.train.length + split.test.length;
  let done = 0;
  const report = () => {
    done += 1;
    if (done === total || done % 64 === 0) onProgress?.({ stage: 'decode', done, total, unit: 'images' });
  };
  const train = await decodeAll(split.train, imageSize, report);
  const test = await decodeAll(split.test, imageSize, report);
  const channels = [...train, ...test].every((image) => image.channels === 1) ? 1 : 3;
  return {
    name: basename(path),
    train: pack(split.train, train, imageSize, channels),
    test: pack(split.test, test, imageSize, channels),
    classNames: classes,
  };
}
