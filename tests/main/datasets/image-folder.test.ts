import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src-main/datasets/load-dataset';
import type { DatasetProgress } from '../../../src-main/datasets/progress';
import { useTempDir } from '../../helpers/temp-dir';

type Colour = [number, number, number];

/** A solid image file; gray images are written single-channel. */
async function writeImage(path: string, colour: Colour | number, format: 'png' | 'jpeg', size = [16, 12]) {
  const [width, height] = size as [number, number];
  const channels = typeof colour === 'number' ? 1 : 3;
  const values = typeof colour === 'number' ? [colour] : colour;
  const raw = Buffer.alloc(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = values[i % channels]!;
  let image = sharp(raw, { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w'); // else sharp writes sRGB
  await (format === 'png' ? image.png() : image.jpeg({ quality: 95 })).toFile(path);
}

/** class -> number of images, PNG and JPEG alternating. */
async function writeClasses(
  folder: string,
  classes: Record<string, { count: number; colour: Colour | number }>,
) {
  for (const [name, { count, colour }] of Object.entries(classes)) {
    mkdirSync(join(folder, name), { recursive: true });
    for (let i = 0; i < count; i++) {
      const format = i % 2 === 0 ? 'png' : 'jpeg';
      await writeImage(join(folder, name, `${i}.${format === 'png' ? 'png' : 'jpg'}`), colour, format);
    }
  }
}

const spec = (path: string, seed = 0) =>
  ({ source: 'image-folder', path, imageSize: 8, testFraction: 0.25, seed }) as const;

describe('image folders', () => {
  const tempDir = useTempDir();

  it('decodes PNG and JPEG, resizes to a square and splits each class by a seed', async () => {
    const folder = tempDir();
    await writeClasses(folder, {
      red: { count: 8, colour: [200, 30, 40] },
      blue: { count: 4, colour: [10, 20, 220] },
    });
    writeFileSync(join(folder, 'red', 'notes.txt'), 'not an image, ignored');
    const progress: DatasetProgress[] = [];
    const data = await loadDataset(spec(folder), '', { onProgress: (report) => progress.push(report) });
    expect(data.classNames).toEqual(['blue', 'red']);
    expect(data.train).toMatchObject({ count: 9, height: 8, width: 8, channels: 3 });
    expect(data.test.count).toBe(3); // round(8 * 0.25) + round(4 * 0.25)
    const testLabels = Array.from(data.test.labels).sort();
    expect(testLabels).toEqual([0, 1, 1]);
    expect(progress.at(-1)).toEqual({ stage: 'decode', done: 12, total: 12, unit: 'images' });
    // Solid colours survive decoding and resizing (exactly for PNG, nearly for JPEG).
    for (let i = 0; i < data.train.count; i++) {
      const expected = data.train.labels[i] === 1 ? [200, 30, 40] : [10, 20, 220];
      const pixel = Array.from(data.train.images.subarray(i * 192 + 60, i * 192 + 63));
      pixel.forEach((value, c) => expect(Math.abs(value - expected[c]!)).toBeLessThanOrEqual(4));
    }
    const again = await loadDataset(spec(folder), '');
    expect(again.test.images).toEqual(data.test.images);
    const otherSeeds = await Promise.all([1, 2, 3].map((seed) => loadDataset(spec(folder, seed), '')));
    expect(
      otherSeeds.some((other) => !Buffer.from(other.test.images).equals(Buffer.from(data.test.images))),
    ).toBe(true);
  });

  it('uses train/ and test/ (or val/) folders when present', async () => {
    const folder = tempDir();
    await writeClasses(join(folder, 'train'), {
      cat: { count: 3, colour: 90 },
      dog: { count: 2, colour: 160 },
    });
    await writeClasses(join(folder, 'val'), { dog: { count: 2, colour: 160 } });
    const data = await loadDataset(spec(folder), '');
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.train.count).toBe(5);
    expect(Array.from(data.test.labels)).toEqual([1, 1]);
    // Every image is gray, so the dataset stays single-channel.
    expect(data.train.channels).toBe(1);
    expect(Math.abs(data.test.images[10]! - 160)).toBeLessThanOrEqual(2);
  });

  it('turns gray images into RGB when other images have colour', async () => {
    const folder = tempDir();
    await writeClasses(folder, { gray: { count: 2, colour: 77 }, green: { count: 2, colour: [0, 180, 0] } });
    const data = await loadDataset({ ...spec(folder), testFraction: 0.5 }, '');
    expect(data.train.channels).toBe(3);
    const grayIndex = Array.from(data.train.labels).indexOf(0);
    const pixel = Array.from(data.train.images.subarray(grayIndex * 192, grayIndex * 192 + 3));
    expect(pixel[0]).toBe(pixel[1]);
    expect(pixel[1]).toBe(pixel[2]);
    expect(Math.abs(pixel[0]! - 77)).toBeLessThanOrEqual(2);
  });

  it('gives clear errors', async () => {
    await expect(loadDataset(spec('/nonexistent/images'), '')).rejects.toThrow(
      /Image folder not found: \/nonexistent\/images/,
    );
    const empty = tempDir();
    await expect(loadDataset(spec(empty), '')).rejects.toThrow(/has no class sub-folders/);
    const folder = tempDir();
    await writeClasses(folder, { a: { count: 2, colour: 1 } });
    mkdirSync(join(folder, 'b'));
    await expect(loadDataset(spec(folder), '')).rejects.toThrow(/[/\\]b holds no PNG or JPEG images/);
    writeFileSync(join(folder, 'b', 'broken.png'), 'this is not a PNG');
    await expect(loadDataset(spec(folder), '')).rejects.toThrow(
      /broken\.png could not be decoded as a PNG or JPEG image/,
    );
    const split = tempDir();
    await writeClasses(join(split, 'train'), { a: { count: 1, colour: 1 } });
    await writeClasses(join(split, 'test'), { zebra: { count: 1, colour: 1 } });
    await expect(loadDataset(spec(split), '')).rejects.toThrow(
      /zebra is a class missing from the training folder/,
    );
  });
});
