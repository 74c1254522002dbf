import { batchedFftModule, type BatchedFftExports } from '../../wasm/batched-fft';
import { wasmApi, type WasmMemory } from '../../wasm/wasm-api';

/**
 * Runs the 4-lane SIMD kernels of batched-fft.ts on one WebAssembly memory. Only one length
 * is laid out at a time: `BatchedFft.forLength(d)` (re)writes the twiddles and buffer
 * offsets, so callers ask for it again at the start of every pass. Not re-entrant.
 */

const PAGE = 65536;
const ELEMENT = 32;

interface Stage {
  radix: 4 | 2;
  m: number;
  s: number;
  twiddles: number;
}

let memory: WasmMemory | null = null;
let kernels: BatchedFftExports | null = null;
let current: BatchedFft | null = null;
const twiddleCache = new Map<number, { stages: Omit<Stage, 'twiddles'>[]; table: Float32Array }>();

function twiddlesFor(length: number) {
  let cached = twiddleCache.get(length);
  if (cached) return cached;
  const stages: Omit<Stage, 'twiddles'>[] = [];
  const values: number[] = [];
  let remaining = length;
  let stride = 1;
  while (remaining > 1) {
    const radix = remaining % 4 === 0 ? 4 : 2;
    const m = remaining / radix;
    for (let q = 0; q < m; q++) {
      for (let t = 1; t < radix; t++) {
        const angle = (-2 * Math.PI * ((q * t) % remaining)) / remaining;
        values.push(Math.cos(angle), Math.sin(angle));
      }
    }
    stages.push({ radix, m, s: stride });
    remaining = m;
    stride *= radix;
  }
  cached = { stages, table: Float32Array.from(values) };
  if (twiddleCache.size > 8) twiddleCache.delete(twiddleCache.keys().next().value!);
  twiddleCache.set(length, cached);
  return cached;
}

export class BatchedFft {
  /** Float32 offsets (not bytes) of the buffers in `view`. */
  readonly inputAt: number;
  readonly otherAt: number;
  readonly accumulatorAt: number;
  readonly weightsAt: number;
  /** Byte offset of the caller's region (`extraBytes` long) after the transform buffers. */
  readonly extraAt: number;
  readonly bins: number;
  private constructor(
    readonly length: number,
    readonly view: Float32Array,
    private readonly stages: Stage[],
    private readonly bytes: {
      input: number;
      other: number;
      accumulator: number;
      weights: number;
      extra: number;
    },
  ) {
    this.extraAt = bytes.extra;
    this.bins = length / 2 + 1;
    this.inputAt = bytes.input / 4;
    this.otherAt = bytes.other / 4;
    this.accumulatorAt = bytes.accumulator / 4;
    this.weightsAt = bytes.weights / 4;
  }

  /**
   * The plan for a power-of-two length >= 4, or null (other lengths, or no WebAssembly SIMD),
   * with at least `extraBytes` of memory for the caller at `extraAt`.
   */
  static forLength(length: number, extraBytes = 0): BatchedFft | null {
    if (length < 4 || (length & (length - 1)) !== 0) return null;
    if (
      current?.length === length &&
      current.view.buffer === memory?.buffer &&
      current.view.byteLength >= current.extraAt + extraBytes
    ) {
      return current;
    }
    const module = batchedFftModule();
    if (!module || !wasmApi) return null;
    if (!memory) {
      memory = new wasmApi.Memory({ initial: 1 });
      kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as BatchedFftExports;
    }
    const { stages, table } = twiddlesFor(length);
    const align = (value: number) => Math.ceil(value / 64) * 64;
    const twiddleBytes = align(table.byteLength);
    const buffer = align(length * ELEMENT);
    const bins = length / 2 + 1;
    const bytes = {
      input: twiddleBytes,
      other: twiddleBytes + buffer,
      accumulator: twiddleBytes + 2 * buffer,
      weights: twiddleBytes + 2 * buffer + align(bins * ELEMENT),
    };
    const extra = bytes.weights + align(bins * 8);
    const total = extra + extraBytes;
    if (memory.buffer.byteLength < total) memory.grow(Math.ceil((total - memory.buffer.byteLength) / PAGE));
    const view = new Float32Array(memory.buffer);
    view.set(table, 0);
    let offset = 0;
    const laidOut: Stage[] = stages.map((stage) => {
      const at = offset;
      offset += (stage.radix - 1) * stage.m * 8;
      return { ...stage, twiddles: at };
    });
    current = new BatchedFft(length, view, laidOut, { ...bytes, extra });
    return current;
  }

  /** The memory the kernels run on, so other kernel modules can share it. */
  static memory(): WasmMemory | null {
    return memory;
  }

  /** Forward DFT of the 4 lanes in the input buffer; returns the float offset of the result. */
  execute(): number {
    let source = this.bytes.input;
    let target = this.bytes.other;
    for (const stage of this.stages) {
      if (stage.radix === 4) kernels!.radix4(source, target, stage.twiddles, stage.m, stage.s);
      else kernels!.radix2(source, target, stage.twiddles, stage.m, stage.s);
      [source, target] = [target, source];
    }
    return source / 4;
  }

  /** Lane-wise sums over bins of the spectrum at `resultAt` (see batched-fft.ts accumulate). */
  accumulate(resultAt: number, auto: boolean): void {
    kernels!.accumulate(resultAt * 4, this.bytes.accumulator, this.length, this.bins, auto ? 1 : 0);
  }

  /** Gradient spectra of the spectrum at `spectrumAt` into the input buffer (batched-fft.ts multiply). */
  multiply(spectrumAt: number, auto: boolean): void {
    kernels!.multiply(
      spectrumAt * 4,
      this.bytes.weights,
      this.bytes.input,
      this.length,
      this.bins,
      auto ? 1 : 0,
    );
  }
}
