import { getCurrentScope, onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { cellAt, type CellReadout, type MatrixImage } from '../domain/inspect-image';
import {
  panViewport,
  screenToMatrix,
  zoomViewport,
  type Bounds,
  type Viewport,
} from '../domain/inspect-viewport';

/** A pointer event's place, as much of a DOM event as the handlers read. */
export interface PointerPlace {
  clientX: number;
  clientY: number;
}

export interface UseInspectPointerOptions {
  viewport: MaybeRefOrGetter<Viewport>;
  bounds: MaybeRefOrGetter<Bounds>;
  image: MaybeRefOrGetter<MatrixImage | null>;
  /** Wheel and drag move the viewport (a still figure ignores them). */
  zoomable: MaybeRefOrGetter<boolean>;
  /** The plot's square on screen: its top-left corner in client pixels and its side. */
  plotRect: () => { left: number; top: number; size: number };
  onViewport: (viewport: Viewport) => void;
  /** The viewport stopped changing (the wheel paused, the drag ended). */
  onSettle: (viewport: Viewport) => void;
  onCellClick: (row: number, col: number) => void;
  /** How long the wheel must pause before `onSettle`. Default 150 ms. */
  settleMs?: number;
}

/** A drag starts after the pointer moved this many pixels; less is a click. */
const CLICK_SLOP_PX = 3;
/** Wheel delta (pixels) per e-fold of zoom. */
const WHEEL_PX_PER_E = 1 / 0.0015;

/**
 * A heatmap's pointer: the wheel zooms around the pointer, a drag pans (the viewport follows
 * every move; `onSettle` once it ends, to ask for the new region), a click names an entry, and
 * `hover` reads out the cell under a still pointer, also when a new image arrives beneath it.
 */
export function useInspectPointer(options: UseInspectPointerOptions) {
  const hover = shallowRef<CellReadout | null>(null);
  let drag: { x: number; y: number; viewport: Viewport; moved: boolean } | null = null;
  let pointer: { x: number; y: number } | null = null;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;

  function plotPoint(event: PointerPlace): { x: number; y: number } | null {
    const { left, top, size } = options.plotRect();
    const x = event.clientX - left;
    const y = event.clientY - top;
    return x >= 0 && y >= 0 && x < size && y < size ? { x, y } : null;
  }

  function matrixPoint(point: { x: number; y: number }) {
    const { size } = options.plotRect();
    return screenToMatrix(toValue(options.viewport), size, size, point.x, point.y);
  }

  function updateHover(): void {
    const image = toValue(options.image);
    const at = pointer && matrixPoint(pointer);
    hover.value = at && image ? cellAt(image, at.row, at.col) : null;
  }

  /** Returns whether the wheel was used (the caller then keeps the page from scrolling). */
  function wheel(event: PointerPlace & { deltaY: number }): boolean {
    const point = plotPoint(event);
    if (!toValue(options.zoomable) || !point) return false;
    const factor = Math.exp(event.deltaY / WHEEL_PX_PER_E);
    const next = zoomViewport(toValue(options.viewport), factor, matrixPoint(point), toValue(options.bounds));
    options.onViewport(next);
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => options.onSettle(next), options.settleMs ?? 150);
    return true;
  }

  /** Returns whether a drag (or click) started, so the caller can capture the pointer. */
  function down(event: PointerPlace & { button: number }): boolean {
    if (event.button !== 0 || !plotPoint(event)) return false;
    drag = { x: event.clientX, y: event.clientY, viewport: toValue(options.viewport), moved: false };
    return true;
  }

  function move(event: PointerPlace): void {
    if (!drag) {
      pointer = plotPoint(event);
      updateHover();
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > CLICK_SLOP_PX) drag.moved = true;
    if (!drag.moved || !toValue(options.zoomable)) return;
    const { size } = options.plotRect();
    const { rows, cols } = drag.viewport;
    hover.value = null;
    options.onViewport(
      panViewport(
        drag.viewport,
        (-dy / size) * (rows[1] - rows[0]),
        (-dx / size) * (cols[1] - cols[0]),
        toValue(options.bounds),
      ),
    );
  }

  function up(event: PointerPlace): void {
    if (!drag) return;
    const { moved } = drag;
    drag = null;
    if (moved) {
      if (toValue(options.zoomable)) options.onSettle(toValue(options.viewport));
      return;
    }
    const point = plotPoint(event);
    if (!point) return;
    const at = matrixPoint(point);
    options.onCellClick(Math.floor(at.row), Math.floor(at.col));
  }

  function leave(): void {
    pointer = null;
    hover.value = null;
  }

  watch(() => toValue(options.image), updateHover);
  if (getCurrentScope()) onScopeDispose(() => clearTimeout(settleTimer));
  return { hover, wheel, down, move, up, leave };
}
