import { describe, expect, it } from 'vitest';
import { buildModule, FunctionBuilder, i32Params } from '../../../src-main/wasm/emitter';
import { wasmApi } from '../../../src-main/wasm/wasm-api';

describe('the WebAssembly emitter', () => {
  it('declares parameters once, as a tuple of types, and hands them back in order', () => {
    const f = new FunctionBuilder('mixed', [...i32Params(3), 'f32']);
    expect(f.params).toEqual(['i32', 'i32', 'i32', 'f32']);
    expect(f.paramList()).toEqual([0, 1, 2, 3]);
    // Locals are numbered after the parameters.
    expect(f.locals('v128', 2)).toEqual([4, 5]);
  });

  it('builds a module whose function reads its parameters and the imported memory', () => {
    // scale(address, count, factor): data[i] *= factor for i < count, on f32 values at `address`.
    const f = new FunctionBuilder('scale', [...i32Params(2), 'f32']);
    const [address, count, factor] = f.paramList();
    const [index, at] = f.locals('i32', 2);
    f.forRange(
      index,
      () => f.i32(0),
      count,
      () => {
        f.get(address).get(index).i32(2).shl().add().set(at);
        f.get(at).get(at).f32Load(0).get(factor).raw(0x94).f32Store(0); // f32.mul
      },
    );
    const memory = new wasmApi!.Memory({ initial: 1 });
    const instance = new wasmApi!.Instance(new wasmApi!.Module(buildModule([f])), { env: { memory } });
    const data = new Float32Array(memory.buffer, 64, 4);
    data.set([1, 2, 3, 4]);
    (instance.exports.scale as (address: number, count: number, factor: number) => void)(64, 3, 2.5);
    expect([...data]).toEqual([2.5, 5, 7.5, 4]);
  });
});
