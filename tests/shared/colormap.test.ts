import { describe, expect, it } from 'vitest';
import { divergingColor, MISSING_COLOR, sequentialColor } from '@shared/colormap';

/** Relative luminance (WCAG), 0..1, to check that the maps run light/dark as intended. */
function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

describe('divergingColor', () => {
  it('is near-white at zero, blue below and red above', () => {
    expect(divergingColor(0, 1)).toEqual([247, 247, 247]);
    const [r, , b] = divergingColor(-0.6, 1);
    expect(b).toBeGreaterThan(r);
    const [r2, , b2] = divergingColor(0.6, 1);
    expect(r2).toBeGreaterThan(b2);
  });

  it('reaches the ColorBrewer end colours at the limit and clamps beyond it', () => {
    expect(divergingColor(-1, 1)).toEqual([5, 48, 97]);
    expect(divergingColor(1, 1)).toEqual([103, 0, 31]);
    expect(divergingColor(-7, 1)).toEqual([5, 48, 97]);
    expect(divergingColor(0.02, 0.01)).toEqual([103, 0, 31]);
  });

  it('scales with the limit', () => {
    expect(divergingColor(0.25, 0.5)).toEqual(divergingColor(0.5, 1));
    expect(divergingColor(-3, 6)).toEqual(divergingColor(-0.5, 1));
  });

  it('darkens monotonically away from zero on both sides', () => {
    for (const sign of [-1, 1]) {
      let previous = luminance(divergingColor(0, 1));
      for (let step = 1; step <= 20; step += 1) {
        const current = luminance(divergingColor((sign * step) / 20, 1));
        expect(current).toBeLessThan(previous);
        previous = current;
      }
    }
  });

  it('gives the neutral grey for NaN and for a meaningless limit', () => {
    expect(divergingColor(Number.NaN, 1)).toEqual(MISSING_COLOR);
    expect(divergingColor(0.5, 0)).toEqual(MISSING_COLOR);
    expect(divergingColor(0.5, Number.NaN)).toEqual(MISSING_COLOR);
  });

  it('returns integer channels in 0..255', () => {
    for (let v = -1.2; v <= 1.2; v += 0.013) {
      for (const c of divergingColor(v, 1)) {
        expect(Number.isInteger(c)).toBe(true);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(255);
      }
    }
  });
});

describe('sequentialColor', () => {
  it('runs from viridis purple to yellow, brightening monotonically', () => {
    expect(sequentialColor(0)).toEqual([68, 1, 84]);
    expect(sequentialColor(1)).toEqual([253, 231, 37]);
    let previous = luminance(sequentialColor(0));
    for (let step = 1; step <= 40; step += 1) {
      const current = luminance(sequentialColor(step / 40));
      expect(current).toBeGreaterThan(previous);
      previous = current;
    }
  });

  it('clamps outside 0..1 and greys NaN', () => {
    expect(sequentialColor(-0.5)).toEqual(sequentialColor(0));
    expect(sequentialColor(3)).toEqual(sequentialColor(1));
    expect(sequentialColor(Number.NaN)).toEqual(MISSING_COLOR);
  });

  it('returns a fresh array each time (callers may write into it)', () => {
    const grey = sequentialColor(Number.NaN);
    grey[0] = 0;
    expect(MISSING_COLOR[0]).toBe(200);
  });
});
