/**
 * A minimal WebAssembly binary emitter, enough to write small numeric kernels in TypeScript
 * without a toolchain (https://webassembly.github.io/spec/core/binary/). Functions are
 * written as stack code through `FunctionBuilder`; `buildModule` wraps them in a module
 * that imports its memory as env.memory and exports every function by name.
 *
 * src-main/wasm is the one home of generated WebAssembly: this emitter and every kernel's
 * builder (transpose-plane, im2col, max-pool-grad for the tfjs wasm backend; batched-fft and
 * relaxed-passes for the relaxed losses). It imports nothing of ours outside itself, so both
 * compute/ and ml/ may use it; instantiating a module stays with its user (compute/wasm-kernels/
 * heap-module.ts, ml/fft/batched-plan.ts, ml/losses/relaxed/simd-memory.ts).
 */

export type ValueType = 'i32' | 'f32' | 'f64' | 'v128';

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/** A local variable (parameters first, then declared locals). */
export type Local = number & { readonly local: unique symbol };

/** A tuple of `N` elements of `T` (for destructuring several locals at once). */
export type Tuple<T, N extends number, Built extends T[] = []> = Built['length'] extends N
  ? Built
  : Tuple<T, N, [...Built, T]>;

/** `count` parameters of type i32 (most kernels take only byte addresses and sizes). */
export function i32Params<N extends number>(count: N): Tuple<'i32', N> {
  return Array.from({ length: count }, () => 'i32') as Tuple<'i32', N>;
}

/**
 * Stack code for one function; every method appends instructions and returns `this`.
 * Parameters are declared once, as a tuple of types (`i32Params(5)`, `[...i32Params(7),
 * 'f32', 'f32']`), and read back as named locals with `paramList()`:
 *
 *   const f = new FunctionBuilder('scale', [...i32Params(2), 'f32']);
 *   const [input, count, factor] = f.paramList();
 */
export class FunctionBuilder<const Params extends readonly ValueType[] = readonly ValueType[]> {
  readonly code: number[] = [];
  private readonly declared: ValueType[] = [];

  constructor(
    readonly exportName: string,
    readonly params: Params,
  ) {}

  /** Every parameter as a local, in declaration order (one per declared type). */
  paramList(): { -readonly [K in keyof Params]: Local } {
    return this.params.map((_, index) => index as Local) as { -readonly [K in keyof Params]: Local };
  }

  local(type: ValueType): Local {
    this.declared.push(type);
    return (this.params.length + this.declared.length - 1) as Local;
  }

  /** `count` new locals of `type`. */
  locals<N extends number>(type: ValueType, count: N): Tuple<Local, N> {
    return Array.from({ length: count }, () => this.local(type)) as Tuple<Local, N>;
  }

  get(local: Local): this {
    return this.raw(0x20, ...unsignedLeb(local));
  }

  set(local: Local): this {
    return this.raw(0x21, ...unsignedLeb(local));
  }

  tee(local: Local): this {
    return this.raw(0x22, ...unsignedLeb(local));
  }

  i32(value: number): this {
    return this.raw(0x41, ...signedLeb(value));
  }

  f32(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.raw(0x43, ...bytes);
  }

  raw(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(opcode: number, ...immediates: number[]): this {
    return this.raw(0xfd, ...unsignedLeb(opcode), ...immediates);
  }

  // i32 arithmetic and comparisons
  add(): this {
    return this.raw(0x6a);
  }
  sub(): this {
    return this.raw(0x6b);
  }
  mul(): this {
    return this.raw(0x6c);
  }
  and(): this {
    return this.raw(0x71);
  }
  shl(): this {
    return this.raw(0x74);
  }
  eqz(): this {
    return this.raw(0x45);
  }
  ne(): this {
    return this.raw(0x47);
  }
  geU(): this {
    return this.raw(0x4f);
  }
  ltU(): this {
    return this.raw(0x49);
  }
  select(): this {
    return this.raw(0x1b);
  }

  // memory: offsets are constant byte offsets added to the address on the stack
  i32Load(offset = 0): this {
    return this.raw(0x28, 2, ...unsignedLeb(offset));
  }
  f32Load(offset = 0): this {
    return this.raw(0x2a, 2, ...unsignedLeb(offset));
  }
  f32Store(offset = 0): this {
    return this.raw(0x38, 2, ...unsignedLeb(offset));
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 4, ...unsignedLeb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 4, ...unsignedLeb(offset));
  }

  // f32x4
  splat(): this {
    return this.simd(0x13);
  }
  extractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  replaceLane(lane: number): this {
    return this.simd(0x20, lane);
  }
  vadd(): this {
    return this.simd(0xe4);
  }
  vsub(): this {
    return this.simd(0xe5);
  }
  vmul(): this {
    return this.simd(0xe6);
  }
  vneg(): this {
    return this.simd(0xe1);
  }

  /** `for (counter = from; counter < limit; counter += step) body()` with i32 locals. */
  forRange(counter: Local, from: () => void, limit: Local, body: () => void, step = 1): this {
    from();
    this.set(counter);
    this.raw(0x02, 0x40); // block
    this.raw(0x03, 0x40); // loop
    this.get(counter).get(limit).geU().raw(0x0d, 1); // br_if out of the block
    body();
    this.get(counter).i32(step).add().set(counter);
    this.raw(0x0c, 0); // br to the loop head
    this.raw(0x0b, 0x0b); // end loop, end block
    return this;
  }

  /** `if (condition on the stack) then()`. */
  ifThen(then: () => void): this {
    this.raw(0x04, 0x40);
    then();
    return this.raw(0x0b);
  }

  body(): number[] {
    const groups = this.declared.map((type) => [1, TYPE_CODE[type]]);
    const contents = [...vector(groups), ...this.code, 0x0b];
    return [...unsignedLeb(contents.length), ...contents];
  }
}

/**
 * A module importing env.memory (at least `minPages` of 64 KiB) and exporting the functions.
 * With `sharedMaxPages`, the memory imported is a shared one of at most that many pages (a
 * pthreads build's heap).
 */
export function buildModule(functions: FunctionBuilder[], minPages = 1, sharedMaxPages?: number): Uint8Array {
  const signatures: string[] = [];
  const typeIndex = functions.map((fn) => {
    const key = fn.params.join(',');
    if (!signatures.includes(key)) signatures.push(key);
    return signatures.indexOf(key);
  });
  const types = signatures.map((key) => {
    const params = key === '' ? [] : (key.split(',') as ValueType[]);
    return [0x60, ...vector(params.map((type) => [TYPE_CODE[type]])), 0];
  });
  const limits =
    sharedMaxPages === undefined
      ? [0x00, ...unsignedLeb(minPages)]
      : [0x03, ...unsignedLeb(minPages), ...unsignedLeb(sharedMaxPages)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector(typeIndex.map((index) => unsignedLeb(index)))),
    ...section(
      7,
      vector(functions.map((fn, index) => [...name(fn.exportName), 0x00, ...unsignedLeb(index)])),
    ),
    ...section(10, vector(functions.map((fn) => fn.body()))),
  ];
  return new Uint8Array(bytes);
}
