import { describe, expect, it } from 'vitest';
import { blockChoiceOf, costEntryLabel, costPlan, costSeriesOf } from '../../../src-shared/cost/plan';

describe('costPlan', () => {
  it('goes by increasing d, losses in order, each block choice capped at d and measured once, steps after the losses', () => {
    const plan = costPlan({
      losses: ['fft-bt', 'bt'],
      blockSizes: ['d', 32, 128],
      dims: [128, 64],
      step: { backbone: 'mlp' },
    });
    expect(plan.map((entry) => `${entry.kind} ${entry.loss} ${entry.blockSize ?? '-'} ${entry.d}`)).toEqual([
      // d = 64: b = d and b = 128 (capped to 64) are one point.
      'loss fft-bt 64 64',
      'loss fft-bt 32 64',
      'loss bt - 64',
      'step fft-bt 64 64',
      'step fft-bt 32 64',
      'step bt - 64',
      'loss fft-bt 128 128',
      'loss fft-bt 32 128',
      'loss bt - 128',
      'step fft-bt 128 128',
      'step fft-bt 32 128',
      'step bt - 128',
    ]);
    expect(costEntryLabel(plan[3]!)).toBe('fft-bt b=64 at d = 64 (step)');
    expect(costEntryLabel(plan[2]!)).toBe('bt at d = 64');
  });

  it('names a point by the block choice it was measured for', () => {
    const at = (loss: 'bt' | 'fft-vicreg', blockSize: number | null, d: number) => ({ loss, blockSize, d });
    expect(costSeriesOf(at('bt', null, 64))).toBe('bt');
    expect(costSeriesOf(at('fft-vicreg', 64, 64))).toBe('fft-vicreg b=d');
    expect(costSeriesOf(at('fft-vicreg', 16, 64))).toBe('fft-vicreg b=16');
    // Only fixed sizes chosen: a capped b belongs to the smallest choice that was capped.
    expect(blockChoiceOf(at('fft-vicreg', 64, 64), [256, 128, 16])).toBe(128);
    expect(blockChoiceOf(at('fft-vicreg', 64, 64), ['d', 128])).toBe('d');
  });
});
