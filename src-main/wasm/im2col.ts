import { FunctionBuilder, i32Params } from './emitter';
import { transpose4x4Emitter } from './transpose-4x4';

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
  const f = new FunctionBuilder('im2col', i32Params(12));
  const [
    x,
    columns,
    batch,
    height,
    width,
    channels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
  ] = f.paramList();
  const [kh, kw, b, oy, c, ox, pixelStep, rowBytes, pixels, rowStart, source, target, from, to, lastBlock] =
    f.locals('i32', 15);
  const transpose4x4 = transpose4x4Emitter(f);
  const pixel = f.local('v128');
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
                  f.get(target).get(ox).i32(4).mul().add().set(to);
                  transpose4x4(
                    (register) => {
                      f.get(from).v128Load(0).set(register);
                      f.get(from).get(pixelStep).add().set(from);
                    },
                    (_, push) => {
                      f.get(to);
                      push();
                      f.v128Store(0);
                      f.get(to).get(rowBytes).add().set(to);
                    },
                  );
                },
                4,
              );
              f.forRange(
                ox,
                () => f.get(lastBlock),
                outWidth,
                () => {
                  f.get(from).v128Load(0).set(pixel);
                  f.get(from).get(pixelStep).add().set(from);
                  f.get(target).get(ox).i32(4).mul().add().set(to);
                  for (let lane = 0; lane < 4; lane++) {
                    f.get(to).get(pixel).extractLane(lane).f32Store(0);
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
