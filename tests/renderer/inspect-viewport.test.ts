import { describe, expect, it } from 'vitest';
import {
  boundsOfSize,
  imagePlacement,
  integerTicks,
  isExactRegion,
  matrixToScreen,
  MIN_SPAN,
  panViewport,
  requestRegion,
  screenToMatrix,
  zoomViewport,
  type Viewport,
} from '../../src-renderer/domain/inspect-viewport';

const whole = (d: number): Viewport => ({ rows: [0, d], cols: [0, d] });

describe('the heatmap viewport', () => {
  it('zooms around the pointer: the matrix point under it stays under it', () => {
    const bounds = boundsOfSize(8192);
    const before = whole(8192);
    const anchor = screenToMatrix(before, 500, 500, 100, 400);
    const after = zoomViewport(before, 0.5, anchor, bounds);
    expect(after.rows[1] - after.rows[0]).toBeCloseTo(4096);
    const stays = matrixToScreen(after, 500, 500, anchor.row, anchor.col);
    expect(stays.x).toBeCloseTo(100);
    expect(stays.y).toBeCloseTo(400);
  });

  it('never zooms out past the matrix nor in past MIN_SPAN entries, and stays inside', () => {
    const bounds = boundsOfSize(100);
    expect(zoomViewport(whole(100), 3, { row: 10, col: 90 }, bounds)).toEqual(whole(100));
    const tight = zoomViewport(whole(100), 1e-6, { row: 99.5, col: 0.2 }, bounds);
    expect(tight.rows[1] - tight.rows[0]).toBe(MIN_SPAN);
    expect(tight.rows[1]).toBeLessThanOrEqual(100);
    expect(tight.cols[0]).toBeGreaterThanOrEqual(0);
    // A block smaller than MIN_SPAN is shown whole.
    expect(zoomViewport(whole(3), 0.1, { row: 1, col: 1 }, boundsOfSize(3))).toEqual(whole(3));
  });

  it('pans by whole spans and stops at the edges (of an offset block too)', () => {
    const bounds = { rows: [64, 128] as [number, number], cols: [0, 64] as [number, number] };
    const view: Viewport = { rows: [70, 86], cols: [10, 26] };
    expect(panViewport(view, 5, -4, bounds)).toEqual({ rows: [75, 91], cols: [6, 22] });
    expect(panViewport(view, 1000, -1000, bounds)).toEqual({ rows: [112, 128], cols: [0, 16] });
    expect(panViewport(view, -1000, 1000, bounds)).toEqual({ rows: [64, 80], cols: [48, 64] });
  });

  it('asks for the whole entries a fractional viewport touches, inside the matrix', () => {
    const bounds = boundsOfSize(1000);
    expect(requestRegion({ rows: [10.2, 20.7], cols: [0, 999.99] }, bounds)).toEqual({
      rows: [10, 21],
      cols: [0, 1000],
    });
    // Float noise does not add an entry.
    expect(requestRegion({ rows: [10 + 1e-12, 20 - 1e-12], cols: [5, 6] }, bounds)).toEqual({
      rows: [10, 20],
      cols: [5, 6],
    });
    expect(requestRegion({ rows: [-3, 2000], cols: [999.5, 1000] }, bounds)).toEqual({
      rows: [0, 1000],
      cols: [999, 1000],
    });
  });

  it('calls a region of at most 512 entries per side exact', () => {
    expect(isExactRegion({ rows: [0, 512], cols: [100, 612] }, 512)).toBe(true);
    expect(isExactRegion({ rows: [0, 513], cols: [0, 10] }, 512)).toBe(false);
  });

  it('places the previous image scaled into a new viewport while the new one loads', () => {
    // Image of rows/cols 0..512 drawn into a view of 256..768 at 400 px: shifted left/up by half.
    const placed = imagePlacement(
      { rows: [0, 512], cols: [0, 512] },
      { rows: [256, 768], cols: [256, 768] },
      400,
      400,
    );
    expect(placed).toEqual({ x: -200, y: -200, width: 400, height: 400 });
    // Zoomed in 2x around the centre: the same image is twice as large.
    const zoomed = imagePlacement(
      { rows: [0, 512], cols: [0, 512] },
      { rows: [128, 384], cols: [128, 384] },
      400,
      400,
    );
    expect(zoomed).toEqual({ x: -200, y: -200, width: 800, height: 800 });
  });

  it('puts integer ticks at 1, 2 or 5 times a power of ten', () => {
    expect(integerTicks(0, 8192, 6)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(integerTicks(10.5, 20, 6)).toEqual([12, 14, 16, 18]);
    expect(integerTicks(10.5, 20, 10)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(integerTicks(0, 4, 6)).toEqual([0, 1, 2, 3]);
    expect(integerTicks(5, 5)).toEqual([]);
  });
});
