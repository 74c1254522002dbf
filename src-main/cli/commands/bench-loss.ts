import { parseArgs } from 'node:util';
import {
  BACKEND_NAMES,
  LOSS_NAMES,
  lossConfigSchema,
  type BackendChoice,
  type LossConfig,
  type LossName,
} from '@shared/config/run-config';
import { costPlan } from '@shared/cost/plan';
import type { CostBlockSize } from '@shared/cost/types';
import type { GpuAdapterInfo } from '@shared/gpu';
import { selectBackend } from '../../compute/backend';
import { Random } from '../../ml/random';
import { UsageError, type CliCommand } from '../command';
import { formatTable } from '../format';
import { nonNegativeInteger, positiveIntegers } from '../bench/arguments';
import { benchSettings, saveLossBench } from '../bench/save-loss-bench';
import { lossSkipReason } from '../../compute/measure/loss-limits';
import { measureLoss, type LossMeasurement } from '../../compute/measure/loss-point';

/** One measured (or skipped) configuration; the --json line. */
export type LossBenchResult = {
  loss: LossName;
  n: number;
  d: number;
  /** Block size (relaxed losses), null for the exact ones. */
  b: number | null;
  q: number | null;
  perm: boolean | null;
  backend: string;
  /** The backend's device in words, and the WebGPU adapter (null on the other backends). */
  device: string;
  adapter: GpuAdapterInfo | null;
  /** Timed passes: the median and min are over these only. */
  repetitions: number;
  /** Untimed warm-up passes before them. */
  warmup: number;
} & { [K in keyof Omit<LossMeasurement, 'timesMs' | 'warmupMs'>]: LossMeasurement[K] | null } & {
  timesMs?: number[];
  warmupMs?: number[];
  /** Why the configuration was not measured (it cannot be held). */
  skipped?: string;
};

interface Plan {
  config: LossConfig;
  b: number | null;
  q: number | null;
  perm: boolean | null;
}

/**
 * The configurations for one d: the cost study's plan at that d (exact losses once, relaxed ones
 * per block size, capped at d), each relaxed one for each q.
 */
function plansFor(
  losses: LossName[],
  d: number,
  blockSizes: CostBlockSize[],
  qs: (1 | 2)[] | null,
  perm: boolean,
): Plan[] {
  return costPlan({ losses, blockSizes, dims: [d], step: null }).flatMap((entry): Plan[] => {
    if (entry.blockSize === null)
      return [{ config: lossConfigSchema.parse({ name: entry.loss }), b: null, q: null, perm: null }];
    const defaultQ = (lossConfigSchema.parse({ name: entry.loss }) as { q: 1 | 2 }).q;
    return (qs ?? [defaultQ]).map((q) => ({
      config: lossConfigSchema.parse({
        name: entry.loss,
        q,
        blockSize: entry.blockSize,
        permutation: perm ? 'batch' : 'none',
      }),
      b: entry.blockSize,
      q,
      perm,
    }));
  });
}

/** Issue 3 point 6: times forward + backward of the losses over a grid of sizes. */
export const benchLossCommand: CliCommand = {
  name: 'bench loss',
  summary: 'Time forward + backward of the losses (median, min, peak memory)',
  usage: `Usage: npm run cli -- bench loss [--n 256] [--d 2048,8192,32768] [--losses ${LOSS_NAMES.join(',')}]
                                [--b d,128] [--q 1,2] [--no-perm] [--reps 5] [--warmup 3]
                                [--backend auto] [--seed 0] [--json]
                                [--save [--name NAME] [--db PATH]]

For each d and loss: --warmup untimed passes (they grow the wasm heap and build FFT plans and
caches, which would otherwise be charged to the first loss measured), then --reps timed
forward + backward passes of the loss alone on standard normal [n, d] inputs (a fresh
permutation per pass unless --no-perm). Prints the median and min time of the timed passes and
the peak memory: process RSS during the timed passes over the resting RSS after the warm-up
(host buffers and heap growth beyond the warm-up's; the OS high-water mark, reset per
configuration on Linux) and tfjs tensor bytes; on webgpu also the GPU buffers the configuration needed (tfjs's buffer pool,
emptied before each configuration). Each pass ends with a read-back of the loss, so on an
asynchronous device (webgpu) the queued GPU work is inside the time. Exact losses ignore --b, --q and --no-perm. A
size whose d x d matrices (exact losses) or O(d^2 / b) pair summaries (relaxed losses with a
tiny b) cannot be held is skipped with a message. --b takes block sizes or 'd'; --q defaults to
each loss's default (2). With --json: one JSON object per line with loss, n, d, b, q, perm,
backend, device, adapter (the WebGPU adapter, else null), medianMs, minMs, peakBytes (and
medianCpuMs, tfPeakBytes, gpuPeakBytes, repetitions, warmup, the
times of each timed pass timesMs and of each warm-up pass warmupMs, skipped). On a busy machine
compare medianCpuMs: the kernels are single-threaded.

A --b larger than d is capped at d (and measured once when that repeats another choice).
--save stores the results as a cost study (source "bench", one --q) in the database (--db, or
DECORBENCH_DB, or the app's), beside the Cost page's studies: "cost show ID" and the Cost page
draw it; a size known not to fit is stored as out of memory. --name names it.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        n: { type: 'string', default: '256' },
        d: { type: 'string', default: '2048,8192,32768' },
        losses: { type: 'string', default: LOSS_NAMES.join(',') },
        b: { type: 'string', default: 'd,128' },
        q: { type: 'string' },
        'no-perm': { type: 'boolean', default: false },
        reps: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '3' },
        backend: { type: 'string', default: 'auto' },
        seed: { type: 'string', default: '0' },
        json: { type: 'boolean', default: false },
        save: { type: 'boolean', default: false },
        name: { type: 'string' },
        db: { type: 'string' },
      },
    });
    const [n] = positiveIntegers(values.n, '--n');
    if (n! < 2) throw new UsageError('--n must be at least 2');
    const ds = positiveIntegers(values.d, '--d');
    const losses = values.losses.split(',').map((name) => name.trim()) as LossName[];
    for (const name of losses) {
      if (!LOSS_NAMES.includes(name))
        throw new UsageError(`--losses: unknown loss '${name}' (${LOSS_NAMES.join(', ')})`);
    }
    const blockSizes: CostBlockSize[] = values.b
      .split(',')
      .map((part) => (part.trim() === 'd' ? 'd' : positiveIntegers(part, '--b')[0]!));
    const qs = values.q === undefined ? null : positiveIntegers(values.q, '--q');
    if (qs?.some((q) => q !== 1 && q !== 2)) throw new UsageError('--q takes 1, 2 or 1,2');
    const [repetitions] = positiveIntegers(values.reps, '--reps');
    const warmup = nonNegativeInteger(values.warmup, '--warmup');
    const seed = nonNegativeInteger(values.seed, '--seed');
    const backendChoice = values.backend as BackendChoice;
    if (!BACKEND_NAMES.includes(backendChoice))
      throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
    if (!values.save && (values.name !== undefined || values.db !== undefined))
      throw new UsageError('--name and --db go with --save');
    // Checked before anything is measured: a grid a study cannot hold is refused at once.
    const saved = values.save
      ? benchSettings({
          name: values.name,
          losses,
          blockSizes,
          qs: qs as (1 | 2)[] | null,
          permutation: !values['no-perm'],
          n: n!,
          dims: ds,
          backend: backendChoice,
          repeats: repetitions!,
          warmup,
        })
      : undefined;
    const startedAt = Date.now();
    const selection = await selectBackend(backendChoice);
    const backend = selection.name;
    const random = new Random(seed);
    const results: LossBenchResult[] = [];
    for (const d of ds) {
      for (const plan of plansFor(losses, d, blockSizes, qs as (1 | 2)[] | null, !values['no-perm'])) {
        const base = {
          loss: plan.config.name,
          n: n!,
          d,
          b: plan.b,
          q: plan.q,
          perm: plan.perm,
          backend,
          device: selection.device,
          adapter: selection.adapter ?? null,
          repetitions: repetitions!,
          warmup,
        };
        const skipped = lossSkipReason(plan.config.name, plan.b, d, selection);
        const empty = {
          medianMs: null,
          minMs: null,
          medianCpuMs: null,
          peakBytes: null,
          tfPeakBytes: null,
          gpuPeakBytes: null,
        };
        const result: LossBenchResult = skipped
          ? { ...base, ...empty, skipped }
          : {
              ...base,
              ...(await measureLoss({
                config: plan.config,
                n: n!,
                d,
                repetitions: repetitions!,
                warmup,
                random,
              })),
            };
        results.push(result);
        if (values.json) context.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.skipped) context.stderr.write(`skipped ${result.loss} d=${d}: ${result.skipped}\n`);
        else
          context.stderr.write(
            `${result.loss} d=${d} b=${result.b ?? '-'} q=${result.q ?? '-'}: ${result.medianMs!.toFixed(1)} ms\n`,
          );
      }
    }
    if (!values.json) context.stdout.write(`${table(results, selection.device)}\n`);
    if (saved) {
      const study = saveLossBench(values.db, context.buildDir, saved, selection, results, startedAt);
      context.stderr.write(`Saved as cost study ${study.id} "${study.name}" (cost show ${study.id})\n`);
    }
    return 0;
  },
};

function table(results: LossBenchResult[], device: string): string {
  const rows = results.map((r) => {
    const unit = r.n * r.d * 4;
    const ms = (value: number | null) =>
      value === null ? '-' : value >= 100 ? value.toFixed(0) : value.toFixed(1);
    return [
      r.loss,
      r.n,
      r.d,
      r.b ?? '-',
      r.q ?? '-',
      r.perm === null ? '-' : r.perm ? 'yes' : 'no',
      ms(r.medianMs),
      ms(r.minMs),
      ms(r.medianCpuMs),
      r.peakBytes === null
        ? '-'
        : `${(r.peakBytes / 1024 ** 2).toFixed(0)} MB (${(r.peakBytes / unit).toFixed(1)}x)`,
      r.tfPeakBytes === null ? '-' : `${(r.tfPeakBytes / 1024 ** 2).toFixed(0)} MB`,
      r.gpuPeakBytes === null ? '-' : `${(r.gpuPeakBytes / 1024 ** 2).toFixed(0)} MB`,
      r.skipped ? `skipped: ${r.skipped}` : '',
    ];
  });
  return `${formatTable(['loss', 'n', 'd', 'b', 'q', 'perm', 'median ms', 'min ms', 'cpu ms', 'peak RSS over warm-up (x n*d*4)', 'tfjs peak', 'GPU peak', ''], rows)}\nbackend: ${results[0]?.backend ?? '-'} (${device})`;
}
