import { getFftPlan, type FftPlan } from '../../fft/plan';
import { packPairSpectrumConjugate, splitPairSpectrum } from '../../fft/real';
import type { BlockSpectra, PairMode, RowSink, RowSource } from './spectra';
import { groupWidth, type GroupLayout } from './layout';
import { applyAutoGradient, applyCrossGradient, pairCrossSpectra } from './pairs';
import { acquireBuffer, releaseBuffer } from './workspace';

/**
 * Any G: half spectra stored frequency-major, complex (f, n, g) at (f N + n) G + g, so the
 * pair stage multiplies contiguous N x G matrices per bin (pairs.ts). O(N d log b) for the
 * transforms and O(N d^2 / b) for the pairs.
 */
export class GroupedSpectra implements BlockSpectra {
  private readonly plan: FftPlan;
  private readonly x: Float32Array;
  private readonly y: Float32Array;

  constructor(
    private readonly rows: number,
    private readonly layout: GroupLayout,
    private readonly mode: PairMode,
  ) {
    this.plan = getFftPlan(layout.blockSize);
    const size = 2 * layout.bins * rows * layout.groups;
    this.x = acquireBuffer(size);
    this.y = acquireBuffer(size);
  }

  transformRows(source: RowSource): void {
    const { rows, layout, plan } = this;
    const { d, blockSize: b, groups: G } = layout;
    const row = new Float64Array(2 * d);
    for (let n = 0; n < rows; n++) {
      source(n, row, 0, 1, 2);
      for (let g = 0; g < G; g++) {
        const width = groupWidth(layout, g);
        const input = plan.input;
        input.set(row.subarray(2 * g * b, 2 * (g * b + width)));
        if (width < b) input.fill(0, 2 * width);
        splitPairSpectrum(plan.execute(), b, this.x, this.y, n * G + g, rows * G);
      }
    }
  }

  pairSpectra(): Float64Array[] {
    const { rows, layout, x, y } = this;
    const { groups: G, bins: F } = layout;
    if (this.mode === 'cross') return [pairCrossSpectra(x, y, rows, G, F, false)];
    return [pairCrossSpectra(x, x, rows, G, F, true), pairCrossSpectra(y, y, rows, G, F, true)];
  }

  inverseRows(w: Float64Array[], sink: RowSink): void {
    const { rows, layout, plan, x, y } = this;
    const { d, blockSize: b, groups: G, bins: F } = layout;
    if (this.mode === 'cross') {
      applyCrossGradient(x, y, rows, G, F, w[0]!);
    } else {
      applyAutoGradient(x, rows, G, F, w[0]!);
      applyAutoGradient(y, rows, G, F, w[1]!);
    }
    const row = new Float64Array(2 * d);
    for (let n = 0; n < rows; n++) {
      for (let g = 0; g < G; g++) {
        packPairSpectrumConjugate(x, y, n * G + g, rows * G, b, plan.input);
        const out = plan.execute();
        row.set(out.subarray(0, 2 * groupWidth(layout, g)), 2 * g * b);
      }
      sink(n, row, 0, 1, 2, 1 / b, -1 / b);
    }
    releaseBuffer(x);
    releaseBuffer(y);
  }
}
