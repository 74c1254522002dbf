import { parseArgs } from 'node:util';
import { AppFailure } from '@shared/errors';
import {
  INSPECT_LIMITS,
  MATRIX_ORDERS,
  OVERVIEW_REDUCTIONS,
  type MatrixOrder,
  type MatrixView,
  type OverviewReduction,
  type SnapshotSummary,
} from '@shared/inspect';
import { resolveDatabasePath } from '../../paths';
import { decodeFloat32Fast } from '../../services/inspect/base64';
import { InspectComputer } from '../../services/inspect/compute';
import { matrixKey, pairKey, spectrumKey, summaryKey } from '../../services/inspect/view-keys';
import { RunStore } from '../../storage/store';
import { ProgressBar } from '../format';
import { parseRunId, UsageError, type CliCommand, type CliContext } from '../command';
import { choice, parsePair, parseRegion, pickMinus, pickSnapshot } from './inspect-args';
import { exactRegion } from './inspect-exact';
import { outputFormat, writeInspectOutput, type InspectOutput } from './inspect-output';

/** --view names: the short ones of the issue, and the API's own. */
const VIEWS: Record<string, MatrixView | 'summary' | 'spectrum'> = {
  corr: 'corr1',
  corr1: 'corr1',
  corr2: 'corr2',
  cov: 'cov1',
  cov1: 'cov1',
  cov2: 'cov2',
  cross: 'cross',
  summary: 'summary',
  spectrum: 'spectrum',
};

const USAGE = `Usage: npm run cli -- inspect RUN_ID --view VIEW --out FILE [options]

Writes a view of one of the run's decorrelation-inspector snapshots as .npy (numpy.load reads
it), .csv or a .png heatmap (with its colour bar), chosen by the extension of FILE.

  --view corr|corr2     view 1's (view 2's) correlation matrix A^T A / N
  --view cov|cov2       view 1's (view 2's) covariance K (VICReg's)
  --view cross          Barlow Twins' cross-correlation C
  --view summary        what the relaxed loss sees: the G x G map of each block pair's
                        contribution (with --pair G,H: that pair's summary vector r_gh[0..b-1])
  --view spectrum       eigenvalues of the covariance of Z1, largest first (--backbone: of the
                        backbone features H1)
  --step S              the snapshot of step S (default: the newest)
  --region R0:R1,C0:C1  rows [R0, R1) and columns [C0, C1) of the matrix (default: all of it)
  --order original|permuted  feature order (permuted: the loss's permutation of that step)
  --reduce extreme|rms  a region wider than --cells is summarised in square cells: the entry of
                        largest |value| of each (default), or the root mean square
  --cells N             at most N cells per side (default and most ${INSPECT_LIMITS.maxCells}); a region that fits is exact
  --exact               every entry of the region, however large (computed in exact 512 x 512
                        tiles; at most 8192 x 8192 values), instead of an overview
  --minus [RUN:]STEP    the difference to the snapshot of STEP (of run RUN, default this one),
                        in this snapshot's order: e.g. how C changed between two steps, or BT
                        against sBT at the same step (same d)
  --grid                in a .png, lines between the relaxed loss's blocks of b features (with
                        --order permuted: the blocks the loss works on at that step)
  --mask-diagonal       leave the diagonal (i = j) out (NaN where nothing else is in a cell)
  --pair G,H            with --view summary: the summary vector of block pair (G, H)
  --summary-view cov1|cov2  the VICReg family's summaries are per view (default cov1)
  --backbone            with --view spectrum: the backbone features' eigenvalues
  --json                print what was written as one JSON line
  --db PATH             database file`;

interface InspectOptions {
  view: MatrixView | 'summary' | 'spectrum';
  region: ReturnType<typeof parseRegion>;
  order: MatrixOrder;
  reduce: OverviewReduction;
  cells: number;
  maskDiagonal: boolean;
  pair: [number, number] | undefined;
  summaryView: 'cov1' | 'cov2';
  backbone: boolean;
  exact: boolean;
  /** Show this snapshot minus that one. */
  minus: SnapshotSummary | undefined;
}

/** Computes the view (in this process: a command waits for it anyway) as the array to write. */
async function computeOutput(
  computer: InspectComputer,
  snapshot: SnapshotSummary,
  options: InspectOptions,
  context: CliContext,
): Promise<InspectOutput> {
  const { view } = options;
  const snapshotId = snapshot.id;
  const lossName = computer.lossOf(snapshot.runId).name;
  if (view === 'spectrum') {
    const spectrum = await computer.compute(spectrumKey(), { kind: 'spectrum', snapshotId });
    const part = options.backbone ? spectrum.backbone : spectrum.z;
    if (!part) throw new AppFailure('not-found', `Snapshot ${snapshotId} holds no backbone features`);
    return {
      kind: 'spectrum',
      eigenvalues: part.eigenvalues,
      rankMe: part.rankMe,
      of: options.backbone ? 'H1' : 'Z1',
    };
  }
  if (view === 'summary') {
    if (options.pair) {
      const [g, h] = options.pair;
      const key = pairKey(lossName, options.summaryView, g, h);
      const pair = await computer.compute(key, { kind: 'pair', snapshotId, g, h, view: options.summaryView });
      return { kind: 'pair', g, h, r: decodeFloat32Fast(pair.r), lagZeroExcluded: pair.lagZeroExcluded };
    }
    const summary = await computer.compute(summaryKey(lossName, options.summaryView), {
      kind: 'summary',
      snapshotId,
      view: options.summaryView,
    });
    return { kind: 'summary', summary, values: decodeFloat32Fast(summary.contributions) };
  }
  const input = {
    snapshotId,
    view,
    order: options.order,
    reduce: options.reduce,
    maskDiagonal: options.maskDiagonal,
    maxCells: options.cells,
    ...(options.region ? { region: options.region } : {}),
    ...(options.minus ? { minusSnapshotId: options.minus.id } : {}),
  };
  const region = options.region ?? {
    rows: [0, snapshot.d] as [number, number],
    cols: [0, snapshot.d] as [number, number],
  };
  const bar = new ProgressBar(context.stderr, `${view} of step ${snapshot.step}`);
  const started = performance.now();
  let shown = false;
  const progress = (unit: string) => (done: number, total: number) => {
    // Only long derivations (large d) draw a bar; a tile is done before anyone could read it.
    if (!shown && performance.now() - started < 500) return;
    shown = true;
    bar.update(done, total, unit);
  };
  if (options.exact) {
    const exact = await exactRegion(computer, snapshot, input, progress('tiles'));
    if (shown) bar.end();
    return { kind: 'matrix', ...exact };
  }
  const cells = await computer.compute(
    matrixKey(input, region),
    { kind: 'matrix', ...input },
    progress('bands'),
  );
  if (shown) bar.end();
  return { kind: 'matrix', cells, values: decodeFloat32Fast(cells.values) };
}

/** The run's block size b, for --grid; the exact losses have no blocks to draw. */
function blockSizeOf(computer: InspectComputer, snapshot: SnapshotSummary): number {
  const loss = computer.lossOf(snapshot.runId);
  if (loss.name !== 'fft-bt' && loss.name !== 'fft-vicreg')
    throw new UsageError(
      `--grid draws the relaxed loss's blocks; run ${snapshot.runId}'s loss ${loss.name} has none`,
    );
  return loss.blockSize ?? snapshot.d;
}

/** Whether a matrix came from the view cache (an overview the app or an earlier command derived). */
function cacheOf(output: InspectOutput): { cached?: boolean; computeMs?: number } {
  return output.kind === 'matrix'
    ? { cached: output.cells.cached, computeMs: Math.round(output.cells.computeMs) }
    : {};
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary:
    'Write a decorrelation-inspector view of a snapshot (correlation, covariance, summaries, spectrum) as .npy, .csv or .png',
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        step: { type: 'string' },
        view: { type: 'string' },
        region: { type: 'string' },
        order: { type: 'string' },
        reduce: { type: 'string' },
        cells: { type: 'string' },
        'mask-diagonal': { type: 'boolean', default: false },
        pair: { type: 'string' },
        'summary-view': { type: 'string' },
        backbone: { type: 'boolean', default: false },
        exact: { type: 'boolean', default: false },
        grid: { type: 'boolean', default: false },
        minus: { type: 'string' },
        out: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const runId = parseRunId(positionals[0]);
    if (positionals.length > 1)
      throw new UsageError(`Unexpected argument "${positionals[1]}" (options start with --)`);
    const view = values.view === undefined ? undefined : VIEWS[values.view];
    if (!view)
      throw new UsageError(
        `Give --view ${Object.keys(VIEWS).join('|')}${values.view === undefined ? '' : `, not "${values.view}"`}`,
      );
    if (!values.out) throw new UsageError('Give --out FILE (.npy, .csv or .png): where to write the view');
    const format = outputFormat(values.out);
    const cells = values.cells === undefined ? INSPECT_LIMITS.maxCells : Number(values.cells);
    if (!Number.isInteger(cells) || cells < 1 || cells > INSPECT_LIMITS.maxCells)
      throw new UsageError(
        `--cells takes an integer from 1 to ${INSPECT_LIMITS.maxCells}, not "${values.cells}"`,
      );
    const options: InspectOptions = {
      view,
      region: parseRegion(values.region),
      order: choice(values.order, MATRIX_ORDERS, '--order', 'original'),
      reduce: choice(values.reduce, OVERVIEW_REDUCTIONS, '--reduce', 'extreme'),
      cells,
      maskDiagonal: values['mask-diagonal'],
      pair: parsePair(values.pair),
      summaryView: choice(values['summary-view'], ['cov1', 'cov2'] as const, '--summary-view', 'cov1'),
      backbone: values.backbone,
      exact: values.exact,
      minus: undefined,
    };
    const matrixOnly = {
      '--region': values.region,
      '--order': values.order,
      '--reduce': values.reduce,
      '--cells': values.cells,
      '--exact': values.exact ? 'yes' : undefined,
      '--minus': values.minus,
    };
    const isMatrix = view !== 'summary' && view !== 'spectrum';
    for (const [flag, given] of Object.entries(matrixOnly))
      if (given !== undefined && !isMatrix)
        throw new UsageError(
          `${flag} applies to the matrix views (corr, cov, cross), not --view ${values.view}`,
        );
    if (values.grid && (format !== 'png' || !isMatrix))
      throw new UsageError('--grid draws on a .png of a matrix view (corr, cov, cross)');
    if (options.exact && values.cells !== undefined)
      throw new UsageError('--exact writes every entry: leave out --cells');
    if (options.pair && view !== 'summary') throw new UsageError('--pair applies to --view summary only');
    if (options.backbone && view !== 'spectrum')
      throw new UsageError('--backbone applies to --view spectrum only');
    if (format === 'png' && view === 'spectrum')
      throw new UsageError('--view spectrum writes .npy or .csv (the app draws the scree plot)');
    if (format === 'png' && options.pair)
      throw new UsageError('--pair writes .npy or .csv (a vector, not a matrix)');

    const store = RunStore.open(resolveDatabasePath(values.db), { access: 'read' });
    try {
      const snapshot = pickSnapshot(store, runId, values.step);
      options.minus = values.minus === undefined ? undefined : pickMinus(store, runId, values.minus);
      const computer = new InspectComputer(store);
      const gridEvery = values.grid ? blockSizeOf(computer, snapshot) : undefined;
      const output = await computeOutput(computer, snapshot, options, context);
      const written = await writeInspectOutput(values.out, format, output, snapshot, gridEvery);
      if (values.json)
        context.stdout.write(
          `${JSON.stringify({ runId, snapshotId: snapshot.id, step: snapshot.step, ...cacheOf(output), ...written })}\n`,
        );
      else {
        context.stdout.write(`${written.description}\n`);
        if (written.legend) context.stdout.write(`${written.legend}\n`);
        context.stdout.write(`Wrote ${values.out}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
