import { describe, expect, it } from 'vitest';
import {
  costPointCount,
  defaultCostForm,
  doublingDims,
  parseNumberList,
  validateCostForm,
  type CostFormValues,
} from '../../../src-renderer/domain/cost-form';

const form = (overrides: Partial<CostFormValues>): CostFormValues => ({
  ...defaultCostForm(),
  name: 'tiny',
  ...overrides,
});

describe('the cost study form', () => {
  it('turns a d range into the doubling list and the form into valid settings', () => {
    expect(doublingDims(64, 1024)).toEqual([64, 128, 256, 512, 1024]);
    expect(doublingDims(100, 500)).toEqual([100, 200, 400]);
    const result = validateCostForm(
      form({ dimFrom: 64, dimTo: 1024, n: 64, repeats: 2, blockList: '16, 32', timeStep: true }),
    );
    expect(result.messages).toEqual({});
    expect(result.settings).toEqual({
      name: 'tiny',
      losses: ['bt', 'fft-bt', 'vicreg', 'fft-vicreg'],
      blockSizes: ['d', 16, 32],
      q: 2,
      permutation: true,
      n: 64,
      dims: [64, 128, 256, 512, 1024],
      backend: 'auto',
      repeats: 2,
      warmup: 1,
      step: { backbone: 'mlp' },
    });
    // 2 exact + 2 relaxed x 3 block sizes = 8 curves, 5 d, loss and step.
    expect(costPointCount(result.settings!)).toBe(8 * 5 * 2);
  });

  it('reads a typed list of d, sorted and without repeats', () => {
    expect(parseNumberList('512, 256 1024;512')).toEqual({ values: [512, 256, 1024, 512], error: null });
    const result = validateCostForm(form({ dimsMode: 'list', dimList: '512, 256 1024;512' }));
    expect(result.settings?.dims).toEqual([256, 512, 1024]);
  });

  it('puts each problem on its field, in words', () => {
    const result = validateCostForm(
      form({
        name: ' ',
        losses: [],
        dimsMode: 'list',
        dimList: '64, 1e3',
        n: null,
        repeats: 0,
        blockD: false,
        blockList: 'x',
      }),
    );
    expect(result.settings).toBeNull();
    expect(result.messages).toEqual({
      name: 'Give the cost study a name',
      losses: 'Pick at least one loss',
      dims: '“1e3” is not a whole number',
      n: 'Required',
      repeats: 'Too small: expected number to be >=1',
      blockSizes: '“x” is not a whole number',
    });
  });

  it('refuses too many d, a d over the limit, a reversed range, and relaxed losses without a block size', () => {
    expect(validateCostForm(form({ dimFrom: 2, dimTo: 1 << 17 })).messages.dims).toBe(
      'At most 16 values of d',
    );
    expect(validateCostForm(form({ dimsMode: 'list', dimList: '64 131072' })).messages.dims).toBe(
      'd is at most 65536',
    );
    expect(validateCostForm(form({ dimFrom: 1024, dimTo: 64 })).messages.dims).toBe(
      'The first d is larger than the last',
    );
    expect(validateCostForm(form({ blockD: false })).messages.blockSizes).toBe(
      'Pick b = d or give block sizes',
    );
    // The exact losses alone need no block size.
    expect(validateCostForm(form({ blockD: false, losses: ['bt', 'vicreg'] })).settings?.blockSizes).toEqual([
      'd',
    ]);
  });
});

describe('the order of the losses', () => {
  it('puts each relaxed loss after its exact one, whatever order they were ticked in', () => {
    const result = validateCostForm(form({ losses: ['fft-vicreg', 'bt', 'vicreg'] }));
    expect(result.settings?.losses).toEqual(['bt', 'vicreg', 'fft-vicreg']);
  });
});
