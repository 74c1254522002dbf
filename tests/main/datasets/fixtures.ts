import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A pixel value that encodes where it is, so layout mistakes show: image i, row y, column x, channel c. */
export function pixelValue(image: number, y: number, x: number, channel: number): number {
  return (image * 31 + y * 7 + x * 3 + channel * 50) % 256;
}

/** Expected NHWC bytes of `count` 32x32 RGB images starting at image number `first`. */
export function expectedCifarImages(first: number, count: number): Uint8Array {
  const images = new Uint8Array(count * 3072);
  for (let i = 0; i < count; i++)
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++)
        for (let c = 0; c < 3; c++) images[i * 3072 + (y * 32 + x) * 3 + c] = pixelValue(first + i, y, x, c);
  return images;
}

/** CIFAR binary records (label bytes, then the red, green and blue planes) of images first..first+count-1. */
export function cifarRecords(first: number, labels: number[][]): Buffer {
  const recordBytes = labels[0]!.length + 3072;
  const bytes = Buffer.alloc(labels.length * recordBytes);
  labels.forEach((labelBytes, i) => {
    const start = i * recordBytes;
    bytes.set(labelBytes, start);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          bytes[start + labelBytes.length + c * 1024 + y * 32 + x] = pixelValue(first + i, y, x, c);
  });
  return bytes;
}

/** A CIFAR-10 folder with `perBatch` images in each of the 5 training batches and `test` test images. */
export function writeCifar10(root: string, perBatch: number, test: number, withMeta = true): string {
  const folder = join(root, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  for (let batch = 1; batch <= 5; batch++) {
    const first = (batch - 1) * perBatch;
    const labels = Array.from({ length: perBatch }, (_, i) => [(first + i) % 10]);
    writeFileSync(join(folder, `data_batch_${batch}.bin`), cifarRecords(first, labels));
  }
  const testLabels = Array.from({ length: test }, (_, i) => [(i + 3) % 10]);
  writeFileSync(join(folder, 'test_batch.bin'), cifarRecords(1000, testLabels));
  if (withMeta) {
    const names = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    writeFileSync(join(folder, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
  }
  return folder;
}

/** A CIFAR-100 folder: coarse label i % 20, fine label i % 100. */
export function writeCifar100(root: string, train: number, test: number): string {
  const folder = join(root, 'cifar-100-binary');
  mkdirSync(folder, { recursive: true });
  const labels = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) => [(i + offset) % 20, (i + offset) % 100]);
  writeFileSync(join(folder, 'train.bin'), cifarRecords(0, labels(train, 0)));
  writeFileSync(join(folder, 'test.bin'), cifarRecords(500, labels(test, 7)));
  return folder;
}

/** An IDX file of unsigned bytes with the given shape. */
export function idxBytes(shape: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** An MNIST-layout folder of 8x6 images (gzip or raw) with labels i % 10. */
export function writeIdxFolder(folder: string, train: number, test: number, gzip: boolean): void {
  mkdirSync(folder, { recursive: true });
  const write = (name: string, bytes: Buffer) =>
    writeFileSync(join(folder, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, count] of [
    ['train', train],
    ['t10k', test],
  ] as const) {
    const images = Uint8Array.from({ length: count * 48 }, (_, i) => (i * 5) % 256);
    write(`${prefix}-images-idx3-ubyte`, idxBytes([count, 8, 6], images));
    write(
      `${prefix}-labels-idx1-ubyte`,
      idxBytes(
        [count],
        Uint8Array.from({ length: count }, (_, i) => i % 10),
      ),
    );
  }
}

/** A minimal ustar archive of regular files (for names GNU tar refuses to write, like "../x"). */
export function tarBytes(files: { name: string; data: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const data = Buffer.from(file.data);
    const header = Buffer.alloc(512);
    header.write(file.name, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(32, 148, 156);
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
