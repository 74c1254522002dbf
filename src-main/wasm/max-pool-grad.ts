import { FunctionBuilder, i32Params, type Local } from './emitter';

/**
 * maxPoolGrad(x, dy, dx, batch, inHeight, inWidth, channels, outHeight, outWidth, strideHeight,
 * strideWidth, filterHeight, filterWidth, top, left): adds each dy value at the first maximum
 * (row-major) of its window of x, four channels at a time (channels a multiple of 4). x, dy and
 * dx are byte addresses in the heap; dx must be zero. A window's maximum is tracked per lane
 * with f32x4.gt (NaN never wins, as in the JS loop) and its byte offset with a bitselect.
 */
export function maxPoolGradKernel(): FunctionBuilder {
  const f = new FunctionBuilder('maxPoolGrad', i32Params(15));
  const [
    x,
    dy,
    dx,
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    top,
    left,
  ] = f.paramList();
  const [image, imageStride, rowStride, pixelStride, b, oy, ox, c] = f.locals('i32', 8);
  const [yStart, yEnd, xStart, xEnd, y, column, offset, gradient, lane, target] = f.locals('i32', 10);
  const [best, bestOffset, value, mask, grads] = f.locals('v128', 5);
  const laneBytes = [0, 4, 8, 12].flatMap((value) => [value, 0, 0, 0]);
  const minusInfinity = [...new Uint8Array(new Float32Array([-Infinity]).buffer)];
  const max = (a: () => void, bound: number | Local, target: Local) => {
    // target = max(a, bound) with a signed compare (window starts can be negative)
    a();
    if (typeof bound === 'number') f.i32(bound);
    else f.get(bound);
    a();
    if (typeof bound === 'number') f.i32(bound);
    else f.get(bound);
    f.raw(0x4a).select().set(target); // i32.gt_s
  };
  const min = (a: () => void, bound: Local, target: Local) => {
    a();
    f.get(bound);
    a();
    f.get(bound);
    f.raw(0x48).select().set(target); // i32.lt_s
  };
  const zero = () => f.i32(0);

  f.get(channels).i32(4).mul().set(pixelStride);
  f.get(inWidth).get(pixelStride).mul().set(rowStride);
  f.get(inHeight).get(rowStride).mul().set(imageStride);
  f.get(dy).set(gradient);
  f.forRange(b, zero, batch, () => {
    f.get(b).get(imageStride).mul().set(image);
    f.forRange(oy, zero, outHeight, () => {
      const y0 = () => f.get(oy).get(strideHeight).mul().get(top).sub();
      max(y0, 0, yStart);
      min(() => y0().get(filterHeight).add(), inHeight, yEnd);
      f.forRange(ox, zero, outWidth, () => {
        const x0 = () => f.get(ox).get(strideWidth).mul().get(left).sub();
        max(x0, 0, xStart);
        min(() => x0().get(filterWidth).add(), inWidth, xEnd);
        f.forRange(
          c,
          zero,
          channels,
          () => {
            f.simd(0x0c, ...minusInfinity, ...minusInfinity, ...minusInfinity, ...minusInfinity).set(best);
            f.i32(-1).simd(0x11).set(bestOffset); // i32x4.splat
            f.forRange(
              y,
              () => f.get(yStart),
              yEnd,
              () => {
                // byte offset of (y, xStart, c) from x
                f.get(image).get(y).get(rowStride).mul().add();
                f.get(xStart).get(pixelStride).mul().add().get(c).i32(4).mul().add().set(offset);
                f.forRange(
                  column,
                  () => f.get(xStart),
                  xEnd,
                  () => {
                    f.get(x).get(offset).add().v128Load(0).set(value);
                    f.get(value).get(best).simd(0x44).set(mask); // f32x4.gt
                    f.get(value).get(best).get(mask).simd(0x52).set(best); // v128.bitselect
                    f.get(offset)
                      .simd(0x11)
                      .simd(0x0c, ...laneBytes)
                      .simd(0xae); // splat + [0,4,8,12]
                    f.get(bestOffset).get(mask).simd(0x52).set(bestOffset);
                    f.get(offset).get(pixelStride).add().set(offset);
                  },
                );
              },
            );
            f.get(gradient).v128Load(0).set(grads);
            for (let index = 0; index < 4; index++) {
              f.get(bestOffset).simd(0x1b, index).tee(lane).i32(0).raw(0x4e); // i32x4.extract_lane, i32.ge_s
              f.ifThen(() => {
                f.get(dx).get(lane).add().set(target);
                f.get(target).get(target).f32Load(0).get(grads).extractLane(index).raw(0x92).f32Store(0);
              });
            }
            f.get(gradient).i32(16).add().set(gradient);
          },
          4,
        );
      });
    });
  });
  return f;
}
