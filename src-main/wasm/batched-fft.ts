import { buildModule, FunctionBuilder, i32Params, type Local } from './emitter';
import { wasmApi } from './wasm-api';

/**
 * WebAssembly SIMD kernels for FFTs of 4 rows at once. Layout ("4 lanes"): complex element j
 * of a batch is 32 bytes at j * 32: the real parts of the 4 rows (f32x4), then the imaginary
 * parts; each f32x4 lane is one row, so the scalar radix-4 Stockham stage of stockham.ts
 * runs unchanged on vectors (no shuffles). Power-of-two lengths only (radix-4 stages and at
 * most one radix-2 stage).
 */

const ELEMENT = 32;

function radix4Stage(): FunctionBuilder {
  const f = new FunctionBuilder('radix4', i32Params(5));
  const [src, dst, tw, m, s] = f.paramList();
  const [q, k, span, step, inBase, outBase, a, o, twq] = f.locals('i32', 9);
  const v = () => f.local('v128');
  const [w1r, w1i, w2r, w2i, w3r, w3i] = [v(), v(), v(), v(), v(), v()];
  const [ar, ai, br, bi, cr, ci, dr, di] = [v(), v(), v(), v(), v(), v(), v(), v()];
  const [t0r, t0i, t1r, t1i, t2r, t2i, t3r, t3i] = [v(), v(), v(), v(), v(), v(), v(), v()];
  f.get(s).get(m).mul().i32(ELEMENT).mul().set(span); // distance between the 4 inputs
  f.get(s).i32(ELEMENT).mul().set(step); // distance between the 4 outputs
  const zero = () => f.i32(0);
  f.forRange(q, zero, m, () => {
    f.get(tw).get(q).i32(24).mul().add().set(twq);
    [w1r, w1i, w2r, w2i, w3r, w3i].forEach((w, i) =>
      f
        .get(twq)
        .f32Load(4 * i)
        .splat()
        .set(w),
    );
    f.get(src).get(q).get(step).mul().add().set(inBase);
    f.get(dst).get(q).get(step).mul().i32(4).mul().add().set(outBase);
    f.forRange(k, zero, s, () => {
      f.get(inBase).get(k).i32(ELEMENT).mul().add().set(a);
      for (const [re, im] of [
        [ar, ai],
        [br, bi],
        [cr, ci],
        [dr, di],
      ] as const) {
        f.get(a).v128Load(0).set(re);
        f.get(a).v128Load(16).set(im);
        f.get(a).get(span).add().set(a);
      }
      const combine = (target: Local, x: Local, y: Local, plus: boolean) => {
        f.get(x).get(y);
        if (plus) f.vadd();
        else f.vsub();
        f.set(target);
      };
      combine(t0r, ar, cr, true);
      combine(t0i, ai, ci, true);
      combine(t1r, ar, cr, false);
      combine(t1i, ai, ci, false);
      combine(t2r, br, dr, true);
      combine(t2i, bi, di, true);
      combine(t3r, br, dr, false);
      combine(t3i, bi, di, false);
      f.get(outBase).get(k).i32(ELEMENT).mul().add().set(o);
      // y0 = t0 + t2
      f.get(o).get(t0r).get(t2r).vadd().v128Store(0);
      f.get(o).get(t0i).get(t2i).vadd().v128Store(16);
      // y1 = (t1 - i t3) w1, y2 = (t0 - t2) w2, y3 = (t1 + i t3) w3; reuse a..d for u1..u3
      combine(ar, t1r, t3i, true);
      combine(ai, t1i, t3r, false);
      combine(br, t0r, t2r, false);
      combine(bi, t0i, t2i, false);
      combine(cr, t1r, t3i, false);
      combine(ci, t1i, t3r, true);
      for (const [ur, ui, wr, wi] of [
        [ar, ai, w1r, w1i],
        [br, bi, w2r, w2i],
        [cr, ci, w3r, w3i],
      ] as const) {
        f.get(o).get(step).add().set(o);
        storeProduct(f, o, ur, ui, wr, wi);
      }
    });
  });
  return f;
}

/** Stores (ur + i ui)(wr + i wi) at the 32-byte element `address`. */
function storeProduct(f: FunctionBuilder, address: Local, ur: Local, ui: Local, wr: Local, wi: Local): void {
  f.get(address).get(ur).get(wr).vmul().get(ui).get(wi).vmul().vsub().v128Store(0);
  f.get(address).get(ur).get(wi).vmul().get(ui).get(wr).vmul().vadd().v128Store(16);
}

function radix2Stage(): FunctionBuilder {
  const f = new FunctionBuilder('radix2', i32Params(5));
  const [src, dst, tw, m, s] = f.paramList();
  const [q, k, span, step, inBase, outBase, a, o] = f.locals('i32', 8);
  const v = () => f.local('v128');
  const [wr, wi, ar, ai, br, bi, dr, di] = [v(), v(), v(), v(), v(), v(), v(), v()];
  f.get(s).get(m).mul().i32(ELEMENT).mul().set(span);
  f.get(s).i32(ELEMENT).mul().set(step);
  const zero = () => f.i32(0);
  f.forRange(q, zero, m, () => {
    f.get(tw).get(q).i32(8).mul().add().f32Load(0).splat().set(wr);
    f.get(tw).get(q).i32(8).mul().add().f32Load(4).splat().set(wi);
    f.get(src).get(q).get(step).mul().add().set(inBase);
    f.get(dst).get(q).get(step).mul().i32(2).mul().add().set(outBase);
    f.forRange(k, zero, s, () => {
      f.get(inBase).get(k).i32(ELEMENT).mul().add().set(a);
      f.get(a).v128Load(0).set(ar);
      f.get(a).v128Load(16).set(ai);
      f.get(a).get(span).add().v128Load(0).set(br);
      f.get(a).get(span).add().v128Load(16).set(bi);
      f.get(outBase).get(k).i32(ELEMENT).mul().add().set(o);
      f.get(o).get(ar).get(br).vadd().v128Store(0);
      f.get(o).get(ai).get(bi).vadd().v128Store(16);
      f.get(ar).get(br).vsub().set(dr);
      f.get(ai).get(bi).vsub().set(di);
      f.get(o).get(step).add().set(o);
      storeProduct(f, o, dr, di, wr, wi);
    });
  });
  return f;
}

/**
 * Shared head of the spectrum kernels: for bin f, loads Z[f] and Z[-f] of a 4-lane spectrum of
 * u + i v and separates X = DFT(u)[f], Y = DFT(v)[f] (as in real.ts splitPairSpectrum).
 */
function splitBin(
  f: FunctionBuilder,
  z: Local,
  d: Local,
  bin: Local,
  mirror: Local,
  half: Local,
  out: { xr: Local; xi: Local; yr: Local; yi: Local; zr: Local; zi: Local; wr: Local; wi: Local },
): void {
  f.get(d).get(bin).sub().get(d).i32(1).sub().and().set(mirror); // (d - f) mod d, d a power of two
  f.get(z).get(bin).i32(ELEMENT).mul().add().v128Load(0).set(out.zr);
  f.get(z).get(bin).i32(ELEMENT).mul().add().v128Load(16).set(out.zi);
  f.get(z).get(mirror).i32(ELEMENT).mul().add().v128Load(0).set(out.wr);
  f.get(z).get(mirror).i32(ELEMENT).mul().add().v128Load(16).set(out.wi);
  f.get(half).get(out.zr).get(out.wr).vadd().vmul().set(out.xr);
  f.get(half).get(out.zi).get(out.wi).vsub().vmul().set(out.xi);
  f.get(half).get(out.zi).get(out.wi).vadd().vmul().set(out.yr);
  f.get(half).get(out.wr).get(out.zr).vsub().vmul().set(out.yi);
}

function spectrumLocals(f: FunctionBuilder) {
  const v = () => f.local('v128');
  return { xr: v(), xi: v(), yr: v(), yi: v(), zr: v(), zi: v(), wr: v(), wi: v() };
}

/**
 * accumulate(z, acc, d, bins, auto): per bin, lane-wise sums over batches into acc (32 bytes
 * per bin): cross: conj(X) Y (re, im); auto: |X|^2 and |Y|^2.
 */
function accumulate(): FunctionBuilder {
  const f = new FunctionBuilder('accumulate', i32Params(5));
  const [z, acc, d, bins, auto] = f.paramList();
  const [bin, mirror, at] = f.locals('i32', 3);
  const half = f.local('v128');
  const s = spectrumLocals(f);
  f.f32(0.5).splat().set(half);
  f.forRange(
    bin,
    () => f.i32(0),
    bins,
    () => {
      splitBin(f, z, d, bin, mirror, half, s);
      f.get(acc).get(bin).i32(ELEMENT).mul().add().set(at);
      f.get(auto)
        .eqz()
        .ifThen(() => {
          f.get(at)
            .get(at)
            .v128Load(0)
            .get(s.xr)
            .get(s.yr)
            .vmul()
            .get(s.xi)
            .get(s.yi)
            .vmul()
            .vadd()
            .vadd()
            .v128Store(0);
          f.get(at)
            .get(at)
            .v128Load(16)
            .get(s.xr)
            .get(s.yi)
            .vmul()
            .get(s.xi)
            .get(s.yr)
            .vmul()
            .vsub()
            .vadd()
            .v128Store(16);
        });
      f.get(auto).ifThen(() => {
        f.get(at)
          .get(at)
          .v128Load(0)
          .get(s.xr)
          .get(s.xr)
          .vmul()
          .get(s.xi)
          .get(s.xi)
          .vmul()
          .vadd()
          .vadd()
          .v128Store(0);
        f.get(at)
          .get(at)
          .v128Load(16)
          .get(s.yr)
          .get(s.yr)
          .vmul()
          .get(s.yi)
          .get(s.yi)
          .vmul()
          .vadd()
          .vadd()
          .v128Store(16);
      });
    },
  );
  return f;
}

/**
 * multiply(z, w, out, d, bins, auto): the gradient spectra, packed for the inverse transform.
 * cross: dX = conj(W) Y, dY = W X with W[f] = (w[2f], w[2f + 1]); auto: dX = w[2f] X,
 * dY = w[2f + 1] Y. Writes conj(V), V[f] = dX + i dY and V[-f] = conj(dX) + i conj(dY).
 */
function multiply(): FunctionBuilder {
  const f = new FunctionBuilder('multiply', i32Params(6));
  const [z, w, out, d, bins, auto] = f.paramList();
  const [bin, mirror, at] = f.locals('i32', 3);
  const v = () => f.local('v128');
  const [half, a, c, gxr, gxi, gyr, gyi] = [v(), v(), v(), v(), v(), v(), v()];
  const s = spectrumLocals(f);
  f.f32(0.5).splat().set(half);
  f.forRange(
    bin,
    () => f.i32(0),
    bins,
    () => {
      splitBin(f, z, d, bin, mirror, half, s);
      f.get(w).get(bin).i32(8).mul().add().f32Load(0).splat().set(a);
      f.get(w).get(bin).i32(8).mul().add().f32Load(4).splat().set(c);
      f.get(auto)
        .eqz()
        .ifThen(() => {
          f.get(a).get(s.yr).vmul().get(c).get(s.yi).vmul().vadd().set(gxr);
          f.get(a).get(s.yi).vmul().get(c).get(s.yr).vmul().vsub().set(gxi);
          f.get(a).get(s.xr).vmul().get(c).get(s.xi).vmul().vsub().set(gyr);
          f.get(a).get(s.xi).vmul().get(c).get(s.xr).vmul().vadd().set(gyi);
        });
      f.get(auto).ifThen(() => {
        f.get(a).get(s.xr).vmul().set(gxr);
        f.get(a).get(s.xi).vmul().set(gxi);
        f.get(c).get(s.yr).vmul().set(gyr);
        f.get(c).get(s.yi).vmul().set(gyi);
      });
      f.get(out).get(bin).i32(ELEMENT).mul().add().set(at);
      f.get(at).get(gxr).get(gyi).vsub().v128Store(0);
      f.get(at).get(gxi).get(gyr).vadd().vneg().v128Store(16);
      // mirror bin, except f = 0 and the Nyquist bin 2f = d
      f.get(bin)
        .get(bin)
        .add()
        .get(d)
        .ne()
        .i32(0)
        .get(bin)
        .select()
        .ifThen(() => {
          f.get(out).get(mirror).i32(ELEMENT).mul().add().set(at);
          f.get(at).get(gxr).get(gyi).vadd().v128Store(0);
          f.get(at).get(gxi).get(gyr).vsub().v128Store(16);
        });
    },
  );
  return f;
}

export interface BatchedFftExports {
  radix4(src: number, dst: number, twiddles: number, m: number, s: number): void;
  radix2(src: number, dst: number, twiddles: number, m: number, s: number): void;
  accumulate(z: number, acc: number, d: number, bins: number, auto: number): void;
  multiply(z: number, w: number, out: number, d: number, bins: number, auto: number): void;
}

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function batchedFftModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = buildModule([radix4Stage(), radix2Stage(), accumulate(), multiply()]);
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}
