#!/usr/bin/env node
// Builds the embedded default dataset (resources/datasets/fashion-mnist-subset) from Debian's
// `dataset-fashion-mnist` package: the first 1000 training and 200 test images of each class, in
// file order, written back in the dataset's own IDX gzip format. Deterministic: running it again
// gives byte-identical files (gzip level 9, no timestamps), checked against SHA256SUMS.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const target = join(dirname(import.meta.dirname), 'resources/datasets/fashion-mnist-subset');
const splits = [
  { name: 'train', prefix: 'train', perClass: 1000 },
  { name: 'test', prefix: 't10k', perClass: 200 },
];

function readIdx(file) {
  const bytes = gunzipSync(readFileSync(file));
  const dims = bytes[3];
  const shape = [];
  for (let i = 0; i < dims; i++) shape.push(bytes.readUInt32BE(4 + 4 * i));
  return { shape, data: bytes.subarray(4 + 4 * dims) };
}

function writeIdx(file, typeCode, shape, data) {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  const gz = gzipSync(Buffer.concat([header, data]), { level: 9 });
  writeFileSync(file, gz);
  return createHash('sha256').update(gz).digest('hex');
}

mkdirSync(target, { recursive: true });
const sums = [];
for (const split of splits) {
  const images = readIdx(join(source, `${split.prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(source, `${split.prefix}-labels-idx1-ubyte.gz`));
  const [, rows, cols] = images.shape;
  const pixels = rows * cols;
  const counts = new Array(10).fill(0);
  const picked = [];
  for (let i = 0; i < labels.shape[0] && picked.length < 10 * split.perClass; i++) {
    const label = labels.data[i];
    if (counts[label] < split.perClass) {
      counts[label]++;
      picked.push(i);
    }
  }
  const imageData = Buffer.alloc(picked.length * pixels);
  const labelData = Buffer.alloc(picked.length);
  picked.forEach((index, row) => {
    images.data.copy(imageData, row * pixels, index * pixels, (index + 1) * pixels);
    labelData[row] = labels.data[index];
  });
  const imageFile = `${split.prefix}-images-idx3-ubyte.gz`;
  const labelFile = `${split.prefix}-labels-idx1-ubyte.gz`;
  sums.push(
    `${writeIdx(join(target, imageFile), 0x08, [picked.length, rows, cols], imageData)}  ${imageFile}`,
  );
  sums.push(`${writeIdx(join(target, labelFile), 0x08, [picked.length], labelData)}  ${labelFile}`);
  console.log(`${split.name}: ${picked.length} images (${split.perClass} per class)`);
}
writeFileSync(join(target, 'SHA256SUMS'), sums.join('\n') + '\n');
console.log(`wrote ${target}`);
