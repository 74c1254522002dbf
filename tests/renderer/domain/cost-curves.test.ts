import { describe, expect, it } from 'vitest';
import {
  blockChoice,
  costCurves,
  costProgressPercent,
  crossoverLabel,
  dimsLabel,
  roundD,
} from '../../../src-renderer/domain/cost-curves';
import { costPoint, costSettings } from '../cost-fixtures';

describe('cost curves', () => {
  it('names a relaxed point by the block choice it was measured for, a capped b included', () => {
    const both = { blockSizes: ['d', 256] as ('d' | number)[] };
    expect(blockChoice({ loss: 'fft-bt', blockSize: 1024, d: 1024 }, both)).toBe('d');
    expect(blockChoice({ loss: 'fft-bt', blockSize: 256, d: 1024 }, both)).toBe(256);
    // b = 256 capped at d = 128 is the b = 256 curve when b = d was not asked for.
    expect(blockChoice({ loss: 'fft-bt', blockSize: 128, d: 128 }, { blockSizes: [256] })).toBe(256);
    expect(blockChoice({ loss: 'bt', blockSize: null, d: 128 }, both)).toBeNull();
  });

  it('groups points into curves by loss, block size and kind, sorted by d, one point per d', () => {
    const settings = costSettings({
      losses: ['fft-bt', 'bt'],
      blockSizes: ['d', 32],
      step: { backbone: 'mlp' },
    });
    const points = [
      costPoint({ loss: 'bt', d: 128 }),
      costPoint({ loss: 'bt', d: 64 }),
      costPoint({ loss: 'fft-bt', d: 64 }),
      costPoint({ loss: 'fft-bt', d: 64, blockSize: 32 }),
      costPoint({ loss: 'bt', d: 64, kind: 'step' }),
      costPoint({ loss: 'bt', d: 64, medianMs: 99 }),
    ];
    const curves = costCurves(points, settings);
    expect(curves.map((curve) => [curve.label, curve.series, curve.points.map((point) => point.d)])).toEqual([
      ['sBT b=d', 'fft-bt b=d', [64]],
      ['sBT b=32', 'fft-bt b=32', [64]],
      ['BT', 'bt', [64, 128]],
      ['BT step', 'bt', [64]],
    ]);
    expect(curves[2]!.points[0]!.medianMs).toBe(6.4);
  });

  it('reads crossovers, progress and the d list as a reader would', () => {
    expect(roundD(1437)).toBe('1400');
    expect(roundD(23871)).toBe('24000');
    expect(roundD(87.4)).toBe('87');
    expect(
      crossoverLabel({ relaxed: 'fft-vicreg b=d', exact: 'vicreg', measure: 'time', d: 3050, note: '' }),
    ).toBe('sVICReg b=d cheaper than VICReg from d ≈ 3100');
    expect(
      crossoverLabel({ relaxed: 'fft-bt b=d', exact: 'bt', measure: 'time', d: null, note: 'x' }),
    ).toBeNull();
    expect(
      costProgressPercent({ status: 'running', progress: { done: 3, total: 12, current: 'bt d=512' } }),
    ).toBe(25);
    expect(
      costProgressPercent({ status: 'queued', progress: { done: 0, total: 0, current: null } }),
    ).toBeNull();
    expect(dimsLabel([512, 1024, 2048, 4096, 8192])).toBe('512 … 8192 (5 values, doubling)');
    expect(dimsLabel([64, 100])).toBe('64, 100');
  });
});
