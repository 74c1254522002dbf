import { ref, shallowRef } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { MatrixImage } from '../../src-renderer/domain/inspect-image';
import { boundsOfSize, type Viewport } from '../../src-renderer/domain/inspect-viewport';
import { useInspectPointer } from '../../src-renderer/composables/useInspectPointer';
import { useEffectScopes } from './effect-scopes';

const { inScope } = useEffectScopes();

/** A 400 px plot at client (100, 50) over a 1024 x 1024 matrix. */
function setup(image: MatrixImage | null = null) {
  const viewport = shallowRef<Viewport>({ rows: [0, 1024], cols: [0, 1024] });
  const shown = shallowRef<MatrixImage | null>(image);
  const settled: Viewport[] = [];
  const clicks: [number, number][] = [];
  const zoomable = ref(true);
  const pointer = inScope(() =>
    useInspectPointer({
      viewport,
      bounds: boundsOfSize(1024),
      image: shown,
      zoomable,
      plotRect: () => ({ left: 100, top: 50, size: 400 }),
      onViewport: (next) => (viewport.value = next),
      onSettle: (next) => settled.push(next),
      onCellClick: (row, col) => clicks.push([row, col]),
      settleMs: 50,
    }),
  );
  return { viewport, shown, settled, clicks, zoomable, pointer };
}

const overview = (value: number): MatrixImage => ({
  region: { rows: [0, 1024], cols: [0, 1024] },
  rows: 2,
  cols: 2,
  cellRows: 512,
  cellCols: 512,
  values: Float32Array.from([value, 0, 0, 0]),
  min: 0,
  max: value,
  reduce: 'extreme',
});

describe('useInspectPointer', () => {
  it('zooms around the pointer with the wheel and settles once the wheel pauses', () => {
    vi.useFakeTimers();
    const { viewport, settled, pointer } = setup();
    // Pointer at plot (100, 300): matrix row 768, column 256.
    const at = { clientX: 200, clientY: 350 };
    expect(pointer.wheel({ ...at, deltaY: -462 })).toBe(true);
    expect(pointer.wheel({ ...at, deltaY: -462 })).toBe(true);
    const { rows, cols } = viewport.value;
    expect(rows[1] - rows[0]).toBeCloseTo(1024 * Math.exp(-2 * 462 * 0.0015), 3);
    expect(cols[0] + ((cols[1] - cols[0]) * 100) / 400).toBeCloseTo(256);
    expect(rows[0] + ((rows[1] - rows[0]) * 300) / 400).toBeCloseTo(768);
    expect(settled).toHaveLength(0);
    vi.advanceTimersByTime(60);
    expect(settled).toEqual([viewport.value]);
    // Outside the plot, or on a still figure, the wheel is not ours.
    expect(pointer.wheel({ clientX: 90, clientY: 350, deltaY: -100 })).toBe(false);
  });

  it('pans while dragging, settles on release, and a release without a drag is a click', () => {
    const { viewport, settled, clicks, pointer } = setup();
    viewport.value = { rows: [256, 512], cols: [256, 512] };
    expect(pointer.down({ clientX: 300, clientY: 250, button: 0 })).toBe(true);
    pointer.move({ clientX: 250, clientY: 250 });
    // 50 px of a 400 px plot showing 256 columns: 32 columns to the right.
    expect(viewport.value).toEqual({ rows: [256, 512], cols: [288, 544] });
    pointer.up({ clientX: 250, clientY: 250 });
    expect(settled).toEqual([{ rows: [256, 512], cols: [288, 544] }]);
    expect(clicks).toEqual([]);

    pointer.down({ clientX: 101, clientY: 51, button: 0 });
    pointer.move({ clientX: 102, clientY: 52 });
    pointer.up({ clientX: 102, clientY: 52 });
    expect(clicks).toEqual([[257, 289]]);
    expect(settled).toHaveLength(1);
    // Other buttons and places outside the plot start nothing.
    expect(pointer.down({ clientX: 300, clientY: 250, button: 2 })).toBe(false);
    expect(pointer.down({ clientX: 99, clientY: 250, button: 0 })).toBe(false);
  });

  it('does not pan a still figure but still clicks', () => {
    const { viewport, clicks, settled, zoomable, pointer } = setup();
    zoomable.value = false;
    pointer.down({ clientX: 300, clientY: 250, button: 0 });
    pointer.move({ clientX: 200, clientY: 150 });
    pointer.up({ clientX: 200, clientY: 150 });
    expect(viewport.value).toEqual({ rows: [0, 1024], cols: [0, 1024] });
    expect([clicks, settled]).toEqual([[], []]);
    pointer.down({ clientX: 300, clientY: 250, button: 0 });
    pointer.up({ clientX: 300, clientY: 250 });
    expect(clicks).toEqual([[512, 512]]);
  });

  it('reads out the cell under a still pointer, again when a new image arrives', async () => {
    const { shown, pointer } = setup(overview(0.5));
    pointer.move({ clientX: 110, clientY: 60 });
    expect(pointer.hover.value).toEqual({ rows: [0, 512], cols: [0, 512], value: 0.5, exact: false });
    shown.value = overview(0.9);
    await Promise.resolve();
    expect(pointer.hover.value?.value).toBeCloseTo(0.9);
    pointer.leave();
    expect(pointer.hover.value).toBeNull();
  });
});
