import * as tf from '@tensorflow/tfjs';
import { KernelScratch, swapLastTwoAxes, type KernelArguments } from './kernel-calls';
import { largeWeightProduct } from './large-weight-product';

/**
 * Below this many multiply-adds per matrix a batched product without bias stays on wasm's own
 * batched loop; above it, one XNNPACK product per batch entry is faster despite the per-call
 * overhead (measured: 8 x 256^3 is ~4x faster split up).
 */
const SPLIT_BATCH_MIN_WORK = 32 * 32 * 32;

/**
 * For an unbatched product with a transpose, whether to compute C^T = op(B)^T op(A)^T and
 * transpose C instead. Counted in elements moved: every materialised transpose, the packing of
 * the right operand that XNNPACK does on each call with a new right operand, and for the swapped
 * form the transpose of C. The dense-layer gradient dx = dy W^T is the case that gains: it would
 * transpose and pack the whole weight matrix, where the swapped form moves only dy and dx
 * (for a 2048x2048 layer at batch 128: 78 ms down to 37 ms).
 */
export function prefersSwappedProduct(
  sizeA: number,
  sizeB: number,
  sizeC: number,
  transposeA: boolean,
  transposeB: boolean,
): boolean {
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + sizeA + sizeC;
  return swapped < direct;
}

/** Product of the leading (batch) dimensions of a shape. */
function batchSize(shape: number[]): number {
  return shape.slice(0, -2).reduce((product, size) => product * size, 1);
}

/**
 * For each entry of the broadcast batch `outBatch`, the flat index of the entry of `batch`
 * (one operand's batch dimensions) that it reads.
 */
function broadcastSources(batch: number[], outBatch: number[]): number[] {
  const padded = [...new Array<number>(outBatch.length - batch.length).fill(1), ...batch];
  const total = outBatch.reduce((product, size) => product * size, 1);
  return Array.from({ length: total }, (_, flat) => {
    let remainder = flat;
    let source = 0;
    let sourceStride = 1;
    for (let axis = outBatch.length - 1; axis >= 0; axis--) {
      const size = outBatch[axis] as number;
      const coordinate = remainder % size;
      remainder = Math.floor(remainder / size);
      const sourceSize = padded[axis] as number;
      if (sourceSize > 1) source += coordinate * sourceStride;
      sourceStride *= sourceSize;
    }
    return source;
  });
}

type Multiply = (left: tf.TensorInfo, right: tf.TensorInfo) => tf.TensorInfo;

/** The last two dimensions of `shape`, swapped when `transposed`: [rows, columns] as used. */
function matrixShape(shape: number[], transposed: boolean): [number, number] {
  const rows = shape[shape.length - 2] as number;
  const columns = shape[shape.length - 1] as number;
  return transposed ? [columns, rows] : [rows, columns];
}

/** C = op(A) op(B) for unbatched operands as C^T = op(B)^T op(A)^T, then transposed. */
function swappedProduct(
  scratch: KernelScratch,
  multiply: Multiply,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  // op(B)^T is B itself when transposeB, else B transposed; likewise for A.
  const left = transposeB ? b : scratch.transpose(b, swapLastTwoAxes(b.shape.length));
  const right = transposeA ? a : scratch.transpose(a, swapLastTwoAxes(a.shape.length));
  const product = multiply(left, right);
  const outShape = [
    ...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
    matrixShape(a.shape, transposeA)[0],
    matrixShape(b.shape, transposeB)[1],
  ];
  return scratch.reshape(scratch.transpose(product, swapLastTwoAxes(product.shape.length)), outShape);
}

/** One product per entry of the broadcast batch, joined with `Concat`; operands untransposed. */
function perEntryProduct(
  scratch: KernelScratch,
  multiply: Multiply,
  left: tf.TensorInfo,
  right: tf.TensorInfo,
  batchShape: number[],
): tf.TensorInfo {
  const [rows, inner] = matrixShape(left.shape, false);
  const columns = matrixShape(right.shape, false)[1];
  const left3d = scratch.reshape(left, [-1, rows, inner]);
  const right3d = scratch.reshape(right, [-1, inner, columns]);
  const slices = new Map<string, tf.TensorInfo>();
  const entry = (x: tf.TensorInfo, side: string, index: number): tf.TensorInfo => {
    const key = `${side}${index}`;
    let part = slices.get(key);
    if (part === undefined) {
      const size = [1, x.shape[1] as number, x.shape[2] as number];
      part = scratch.run(tf.Slice, { x }, { begin: [index, 0, 0], size });
      slices.set(key, part);
    }
    return part;
  };
  const sourcesB = broadcastSources(right.shape.slice(0, -2), batchShape);
  const products = broadcastSources(left.shape.slice(0, -2), batchShape).map((sourceA, index) =>
    multiply(entry(left3d, 'a', sourceA), entry(right3d, 'b', sourcesB[index] as number)),
  );
  const joined =
    products.length === 1 ? (products[0] as tf.TensorInfo) : scratch.run(tf.Concat, products, { axis: 0 });
  return scratch.reshape(joined, [...batchShape, rows, columns]);
}

/**
 * Wraps wasm's `BatchMatMul` or `_FusedMatMul` so that products reach XNNPACK's fully connected
 * operator, which wasm uses only for non-transposed, unbatched products. Otherwise wasm runs a
 * scalar loop (tfjs-backend-wasm `batch_mat_mul_impl.cc`) that is 10-40x slower, and, for the
 * fused kernel, adds the bias wrongly to every row but the first of a batched product
 * (bias index `min(row * columns + column, columns - 1)`). The tfjs matMul gradient always
 * asks for a transpose, so every dense layer's backward pass would take that loop.
 *
 * - unbatched without transposes: as is, or for a large right operand (a wide dense layer's
 *   weights) through its cached transpose (see `largeWeightProduct`);
 * - unbatched with a transpose: the cheaper of materialising the transposes (wasm `Transpose`)
 *   and the swapped form (see `prefersSwappedProduct`);
 * - batched a, unbatched b (a dense layer on a rank-3 input): one product on [batch * m, k];
 * - other batches (broadcast included): one product per output batch entry, for large
 *   matrices or whenever a bias is fused;
 * - tiny bias-free batched products and prelu activations: the stock kernel, after the transposes.
 */
export function wrapMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params as unknown as KernelArguments;
    const a = inputs.a as tf.TensorInfo;
    const b = inputs.b as tf.TensorInfo;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const batchA = batchSize(a.shape);
    const batchB = batchSize(b.shape);
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) {
      return largeWeightProduct(original, inputs, backend, attrs) ?? original(params);
    }
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(params);

    const scratch = new KernelScratch(backend);
    const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
    const multiply: Multiply = (x, y) => scratch.call(original, { ...inputs, a: x, b: y }, plainAttrs);
    const hasPrelu = inputs.preluActivationWeights != null;
    const hasBias = inputs.bias != null;
    const [rows, inner] = matrixShape(a.shape, transposeA);
    const columns = matrixShape(b.shape, transposeB)[1];
    if (batchA === 1 && batchB === 1 && !hasBias && !hasPrelu) {
      const sizes = [tf.util.sizeFromShape(a.shape), tf.util.sizeFromShape(b.shape), rows * columns] as const;
      if (prefersSwappedProduct(...sizes, transposeA, transposeB)) {
        return scratch.finish(swappedProduct(scratch, multiply, a, b, transposeA, transposeB));
      }
    }
    const left = transposeA ? scratch.transpose(a, swapLastTwoAxes(a.shape.length)) : a;
    const right = transposeB ? scratch.transpose(b, swapLastTwoAxes(b.shape.length)) : b;
    const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    let result: tf.TensorInfo;
    if (batchB === 1 && !hasPrelu) {
      const flat = multiply(
        scratch.reshape(left, [1, batchA * rows, inner]),
        scratch.reshape(right, [1, inner, columns]),
      );
      result = scratch.reshape(flat, [...batchShape, rows, columns]);
    } else if (!hasPrelu && (hasBias || rows * inner * columns >= SPLIT_BATCH_MIN_WORK)) {
      result = perEntryProduct(scratch, multiply, left, right, batchShape);
    } else {
      result = multiply(left, right);
    }
    return scratch.finish(result);
  };
}
