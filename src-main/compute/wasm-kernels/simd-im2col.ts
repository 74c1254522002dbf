import { FunctionBuilder, type Local } from '../../wasm/emitter';

/** Lanes of two f32x4 vectors (0-3 the first, 4-7 the second) as an i8x16.shuffle immediate. */
function lanes(...picks: number[]): number[] {
  return picks.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}

/**
 * im2col(x, columns, batch, height, width, channels, outHeight, outWidth, filterHeight,
 * filterWidth, strideHeight, strideWidth): the channels-first column matrix of a convolution,
 *
 *   columns[(kh * filterWidth + kw) * channels + c][(b * outHeight + oy) * outWidth + ox]
 *     = x[b][oy * strideHeight + kh][ox * strideWidth + kw][c]
 *
 * for an already padded NHWC x (byte addresses; channels a multiple of 4). Four pixels by four
 * channels move through registers as a 4 x 4 transpose; the last pixels of a row (fewer than 4)
 * lane by lane.
 */
export function im2colKernel(): FunctionBuilder {
  const f = new FunctionBuilder('im2col', new Array(12).fill('i32'));
  const params = Array.from({ length: 12 }, (_, index) => f.param(index)) as Local[];
  const [x, columns, batch, height, width, channels, outHeight, outWidth] = params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const [filterHeight, filterWidth, strideHeight, strideWidth] = params.slice(8) as [
    Local,
    Local,
    Local,
    Local,
  ];
  const i32 = () => f.local('i32');
  const [kh, kw, b, oy, c, ox, pixelStep, rowBytes, pixels, rowStart, source, target, from, to] = [
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
    i32(),
  ];
  const [lastBlock] = [i32()];
  const v128 = () => f.local('v128');
  const [r0, r1, r2, r3, t0, t1, t2, t3] = [v128(), v128(), v128(), v128(), v128(), v128(), v128(), v128()];
  const shuffle = (a: Local, b2: Local, picks: number[]) =>
    f
      .get(a)
      .get(b2)
      .simd(0x0d, ...lanes(...picks));
  const zero = () => f.i32(0);

  // Bytes between horizontally neighbouring windows, between column-matrix rows.
  f.get(strideWidth).get(channels).mul().i32(4).mul().set(pixelStep);
  f.get(batch).get(outHeight).mul().get(outWidth).mul().set(pixels);
  f.get(pixels).i32(4).mul().set(rowBytes);
  // Pixels of an output row that fill whole blocks of 4.
  f.get(outWidth).i32(-4).raw(0x71).set(lastBlock); // i32.and
  f.forRange(kh, zero, filterHeight, () => {
    f.forRange(kw, zero, filterWidth, () => {
      f.forRange(b, zero, batch, () => {
        f.forRange(oy, zero, outHeight, () => {
          // x address of window (b, oy, ox = 0) at tap (kh, kw)
          f.get(b).get(height).mul().get(oy).get(strideHeight).mul().add().get(kh).add();
          f.get(width).mul().get(kw).add().get(channels).mul().i32(4).mul().get(x).add().set(source);
          // columns address of row (kh, kw, c = 0), pixel (b, oy, ox = 0)
          f.get(kh).get(filterWidth).mul().get(kw).add().get(channels).mul().get(rowBytes).mul();
          f.get(b).get(outHeight).mul().get(oy).add().get(outWidth).mul().i32(4).mul().add();
          f.get(columns).add().set(rowStart);
          f.forRange(
            c,
            zero,
            channels,
            () => {
              f.get(source).get(c).i32(4).mul().add().set(from);
              f.get(rowStart).get(c).get(rowBytes).mul().add().set(target);
              f.forRange(
                ox,
                zero,
                lastBlock,
                () => {
                  for (const register of [r0, r1, r2, r3]) {
                    f.get(from).v128Load(0).set(register);
                    f.get(from).get(pixelStep).add().set(from);
                  }
                  shuffle(r0, r1, [0, 4, 1, 5]).set(t0);
                  shuffle(r0, r1, [2, 6, 3, 7]).set(t1);
                  shuffle(r2, r3, [0, 4, 1, 5]).set(t2);
                  shuffle(r2, r3, [2, 6, 3, 7]).set(t3);
                  f.get(target).get(ox).i32(4).mul().add().set(to);
                  const store = (a: Local, b2: Local, picks: number[]) => {
                    f.get(to);
                    shuffle(a, b2, picks).v128Store(0);
                    f.get(to).get(rowBytes).add().set(to);
                  };
                  store(t0, t2, [0, 1, 4, 5]);
                  store(t0, t2, [2, 3, 6, 7]);
                  store(t1, t3, [0, 1, 4, 5]);
                  store(t1, t3, [2, 3, 6, 7]);
                },
                4,
              );
              f.forRange(
                ox,
                () => f.get(lastBlock),
                outWidth,
                () => {
                  f.get(from).v128Load(0).set(r0);
                  f.get(from).get(pixelStep).add().set(from);
                  f.get(target).get(ox).i32(4).mul().add().set(to);
                  for (let lane = 0; lane < 4; lane++) {
                    f.get(to).get(r0).extractLane(lane).f32Store(0);
                    f.get(to).get(rowBytes).add().set(to);
                  }
                },
              );
            },
            4,
          );
        });
      });
    });
  });
  return f;
}
