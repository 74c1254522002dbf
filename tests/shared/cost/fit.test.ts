import { describe, expect, it } from 'vitest';
import { costCrossovers, fitCostCurves, leastSquares } from '../../../src-shared/cost/fit';
import type { CostPoint } from '../../../src-shared/cost/types';

const point = (
  loss: CostPoint['loss'],
  d: number,
  medianMs: number | null,
  peakBytes: number | null,
  extra: Partial<CostPoint> = {},
): CostPoint => ({
  kind: 'loss',
  loss,
  blockSize: loss.startsWith('fft') ? d : null,
  d,
  n: 32,
  status: 'ok',
  medianMs,
  minMs: medianMs,
  maxMs: medianMs,
  peakBytes,
  repeats: 1,
  message: null,
  ...extra,
});

describe('fitCostCurves', () => {
  it('finds the exponents of exact power laws (slope 2 for d^2, 1 for d) with r^2 = 1', () => {
    const points = [64, 128, 256].flatMap((d) => [
      point('bt', d, d * d * 1e-3, 4 * d * d),
      point('fft-bt', d, d * 0.01, 8 * d),
    ]);
    const fits = fitCostCurves(points);
    expect(fits.map((fit) => `${fit.series} ${fit.kind} ${fit.measure} ${fit.points}`)).toEqual([
      'bt loss time 3',
      'bt loss memory 3',
      'fft-bt b=d loss time 3',
      'fft-bt b=d loss memory 3',
    ]);
    const [btTime, btMemory, relaxedTime, relaxedMemory] = fits;
    expect(btTime!.slope).toBeCloseTo(2, 12);
    expect(btMemory!.slope).toBeCloseTo(2, 12);
    expect(relaxedTime!.slope).toBeCloseTo(1, 12);
    expect(relaxedMemory!.slope).toBeCloseTo(1, 12);
    for (const fit of fits) expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('matches a hand-computed least-squares line on noisy points, skipping oom points', () => {
    // log2 d = 1, 2, 3 and log2 t = 1, 3, 4: slope 1.5 (sxy 3 / sxx 2), r^2 = 4.5 / 4.6667 = 27/28.
    const points = [
      point('bt', 2, 2, null),
      point('bt', 4, 8, null),
      point('bt', 8, 16, null),
      point('bt', 16, null, null, { status: 'oom', message: 'out of memory' }),
    ];
    const [fit, ...rest] = fitCostCurves(points);
    expect(rest).toEqual([]);
    expect(fit).toMatchObject({ series: 'bt', measure: 'time', points: 3 });
    expect(fit!.slope).toBeCloseTo(1.5, 12);
    expect(fit!.r2).toBeCloseTo(27 / 28, 12);
    expect(leastSquares([1, 2, 3], [5, 5, 5])).toEqual({ slope: 0, r2: 1 });
  });

  it('names the curves of block sizes and whole steps apart, and needs two measured d', () => {
    const points = [
      point('fft-vicreg', 64, 1, 10, { blockSize: 16 }),
      point('fft-vicreg', 128, 2, 20, { blockSize: 16 }),
      point('fft-vicreg', 64, 3, 30, { kind: 'step' }),
      point('fft-vicreg', 128, 5, 50, { kind: 'step' }),
      point('vicreg', 64, 3, 30),
    ];
    expect(fitCostCurves(points).map((fit) => `${fit.kind}:${fit.series}:${fit.measure}`)).toEqual([
      'loss:fft-vicreg b=16:time',
      'loss:fft-vicreg b=16:memory',
      'step:fft-vicreg b=d:time',
      'step:fft-vicreg b=d:memory',
    ]);
    // A fixed b capped at d (b = 256 at d = 64 and 128) is that choice's curve, not b=d.
    const capped = [point('fft-bt', 64, 1, 1), point('fft-bt', 128, 2, 2)];
    expect(fitCostCurves(capped, [256])[0]!.series).toBe('fft-bt b=256');
  });
});

describe('costCrossovers', () => {
  it('interpolates in log-log where the relaxed loss becomes cheaper', () => {
    // Time: gap log(relaxed / exact) is log 2 at d = 100 and log(1/2) at d = 400: zero halfway
    // in log d, d = 200. Memory: equal at 100 (not cheaper), a quarter at 400: crossing at 100.
    const points = [
      point('bt', 100, 1, 100),
      point('fft-bt', 100, 2, 100),
      point('bt', 400, 16, 1600),
      point('fft-bt', 400, 8, 400),
    ];
    const [time, memory] = costCrossovers(points);
    expect(time).toMatchObject({ relaxed: 'fft-bt b=d', exact: 'bt', measure: 'time' });
    expect(time!.d).toBeCloseTo(200, 9);
    expect(time!.note).toBe('cheaper from d ≈ 200 (between 100 and 400)');
    expect(memory!.d).toBeCloseTo(100, 9);
  });

  it('says "always" and "never" in the note, with d null, and names the exact loss running out of memory', () => {
    const always = [
      point('vicreg', 64, 10, 10),
      point('fft-vicreg', 64, 1, 1),
      point('vicreg', 128, 20, 20),
      point('fft-vicreg', 128, 2, 2),
      point('vicreg', 65536, null, null, { status: 'oom', message: 'needs 48 GB' }),
      point('fft-vicreg', 65536, 900, 900),
    ];
    const [time] = costCrossovers(always);
    expect(time).toEqual({
      relaxed: 'fft-vicreg b=d',
      exact: 'vicreg',
      measure: 'time',
      d: null,
      note: 'cheaper at every measured d; the exact loss ran out of memory at d = 65536',
    });
    const never = [
      point('bt', 64, 1, 1),
      point('fft-bt', 64, 2, 2),
      point('bt', 128, 2, 2),
      point('fft-bt', 128, 4, 4),
    ];
    expect(costCrossovers(never)[0]).toMatchObject({ d: null, note: 'never cheaper up to d = 128' });
    const notAtEnd = [
      point('bt', 64, 2, 1),
      point('fft-bt', 64, 1, 2),
      point('bt', 128, 2, 2),
      point('fft-bt', 128, 4, 4),
    ];
    expect(costCrossovers(notAtEnd)[0]!.note).toBe('not cheaper at the largest d up to d = 128');
    expect(costCrossovers([point('fft-bt', 64, 1, 1)])).toEqual([]);
  });
});
