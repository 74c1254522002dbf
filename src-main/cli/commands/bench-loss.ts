import { readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  BACKEND_NAMES,
  LOSS_NAMES,
  lossConfigSchema,
  type BackendChoice,
  type LossConfig,
  type LossName,
} from '@shared/config/run-config';
import { selectBackend } from '../../compute/backend';
import { Random } from '../../ml/random';
import { createLoss, drawPermutation, type LossFunction } from '../../ml/losses/registry';
import { UsageError, type CliCommand } from '../command';
import { formatTable } from '../format';

/** One measured (or skipped) configuration; the --json line. */
export interface LossBenchResult {
  loss: LossName;
  n: number;
  d: number;
  /** Block size (relaxed losses), null for the exact ones. */
  b: number | null;
  q: number | null;
  perm: boolean | null;
  backend: string;
  medianMs: number | null;
  minMs: number | null;
  /**
   * Median process CPU time (user + system) per pass: on a machine shared with other work this
   * is closer than the wall time to the uncontended time of the single-threaded kernels.
   */
  medianCpuMs: number | null;
  /**
   * Peak process RSS during the timed passes over the resting RSS after the warm-up: the memory
   * a pass takes beyond what the warmed-up process holds (the OS high-water mark, reset before
   * the timed passes on Linux). Heap growth the warm-up caused is not in it.
   */
  peakBytes: number | null;
  /** Peak bytes of tfjs tensors during one forward + backward (tf.profile). */
  tfPeakBytes: number | null;
  /** Timed passes: the median and min are over these only. */
  repetitions: number;
  /** Untimed warm-up passes before them. */
  warmup: number;
  /** Wall time of each timed pass, and of each warm-up pass (for a look at the first-pass cost). */
  timesMs?: number[];
  warmupMs?: number[];
  skipped?: string;
}

const WASM_HEAP_BYTES = 4 * 1024 ** 3;

function positiveIntegers(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new UsageError(`${flag} must be a comma-separated list of positive integers, got '${text}'`);
  }
  return values;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Bytes of the d x d matrices an exact loss holds at once (C, its square, XNNPACK's packed copy; x2 views for VICReg). */
function exactLossBytes(name: LossName, d: number): number {
  return (name === 'bt' ? 3 : 4) * d * d * 4;
}

/**
 * Bytes of the pair summaries of a relaxed loss: G^2 pairs of b lags, each held as r, the
 * pair cross spectrum and its gradient (float64). O(d^2 / b): large only for tiny b.
 */
function relaxedSummaryBytes(d: number, b: number): number {
  return Math.ceil(d / b) ** 2 * b * 8 * 5;
}

function limitBytes(backend: string): number {
  return backend === 'wasm' ? WASM_HEAP_BYTES : totalmem() / 2;
}

interface Plan {
  config: LossConfig;
  b: number | null;
  q: number | null;
  perm: boolean | null;
}

/** The configurations for one d: exact losses once, relaxed ones for each b and q. */
function plansFor(
  losses: LossName[],
  d: number,
  blockSizes: (number | 'd')[],
  qs: (1 | 2)[] | null,
  perm: boolean,
): Plan[] {
  const plans: Plan[] = [];
  for (const name of losses) {
    if (name === 'bt' || name === 'vicreg') {
      plans.push({ config: lossConfigSchema.parse({ name }), b: null, q: null, perm: null });
      continue;
    }
    for (const block of blockSizes) {
      const b = block === 'd' ? d : block;
      const defaultQ = (lossConfigSchema.parse({ name }) as { q: 1 | 2 }).q;
      for (const q of qs ?? [defaultQ]) {
        const config = lossConfigSchema.parse({
          name,
          q,
          blockSize: b,
          permutation: perm ? 'batch' : 'none',
        });
        plans.push({ config, b, q, perm });
      }
    }
  }
  return plans;
}

function step(loss: LossFunction, z1: tf.Tensor2D, z2: tf.Tensor2D, permutation: Int32Array | null): void {
  tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(
      (a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D, { permutation }).loss,
    )([z1, z2]);
    value.dataSync();
    // wasm, cpu and tensorflow run kernels synchronously, so the gradients are complete here
    return grads;
  }).forEach((grad) => grad.dispose());
}

/** The process's resident set size now and its peak (VmRSS, VmHWM), from /proc on Linux. */
export function residentBytes(): { rss: number; peak: number } {
  const status = readProcStatus();
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status ?? '')?.[1]);
  const rss = field('VmRSS');
  const peak = field('VmHWM');
  return Number.isFinite(rss) && Number.isFinite(peak)
    ? { rss: rss * 1024, peak: peak * 1024 }
    : { rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024 };
}

function readProcStatus(): string | undefined {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Resets the OS peak RSS to the current RSS (Linux: "5" to /proc/self/clear_refs), so the peak
 * of the timed passes is measured even after a larger configuration ran in this process.
 */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** One forward + backward pass: wall and CPU milliseconds. */
function timedPass(
  plan: Plan,
  loss: LossFunction,
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  d: number,
  random: Random,
) {
  const permutation = drawPermutation(plan.config, d, random);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  step(loss, z1, z2, permutation);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

type Measurement = Omit<
  LossBenchResult,
  'loss' | 'n' | 'd' | 'b' | 'q' | 'perm' | 'backend' | 'repetitions' | 'warmup'
>;

/**
 * Warm-up passes first, untimed: the first passes of a configuration grow the wasm heap, build
 * FFT plans and XNNPACK caches, and would otherwise be charged to whichever loss runs first.
 * Then the timed passes, with memory measured from the resting RSS after the warm-up.
 */
async function measure(
  plan: Plan,
  n: number,
  d: number,
  repetitions: number,
  warmup: number,
  random: Random,
): Promise<Measurement> {
  const loss = createLoss(plan.config);
  const z1 = tf.randomNormal([n, d], 0, 1, 'float32', random.nextUint32()) as tf.Tensor2D;
  const z2 = tf.randomNormal([n, d], 0, 1, 'float32', random.nextUint32()) as tf.Tensor2D;
  try {
    const warmupMs: number[] = [];
    for (let i = 0; i < warmup; i++) warmupMs.push(timedPass(plan, loss, z1, z2, d, random).ms);
    const before = residentBytes();
    const peakWasReset = resetPeak();
    let sampledPeak = 0;
    const timesMs: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const pass = timedPass(plan, loss, z1, z2, d, random);
      timesMs.push(pass.ms);
      cpuTimes.push(pass.cpuMs);
      sampledPeak = Math.max(sampledPeak, residentBytes().rss - before.rss);
    }
    // With the peak reset, the OS high-water mark is exact; without it, it is only when this
    // configuration raised it, and otherwise the RSS sampled after each pass is what we know.
    const after = residentBytes();
    const peakBytes =
      peakWasReset || after.peak > before.peak ? Math.max(0, after.peak - before.rss) : sampledPeak;
    const profile = await tf.profile(() => step(loss, z1, z2, drawPermutation(plan.config, d, random)));
    return {
      medianMs: median(timesMs),
      minMs: Math.min(...timesMs),
      medianCpuMs: median(cpuTimes),
      peakBytes,
      tfPeakBytes: profile.peakBytes,
      timesMs,
      warmupMs,
    };
  } finally {
    tf.dispose([z1, z2]);
  }
}

/** Issue 3 point 6: times forward + backward of the losses over a grid of sizes. */
export const benchLossCommand: CliCommand = {
  name: 'bench loss',
  summary: 'Time forward + backward of the losses (median, min, peak memory)',
  usage: `Usage: npm run cli -- bench loss [--n 256] [--d 2048,8192,32768] [--losses ${LOSS_NAMES.join(',')}]
                                [--b d,128] [--q 1,2] [--no-perm] [--reps 5] [--warmup 3]
                                [--backend auto] [--seed 0] [--json]

For each d and loss: --warmup untimed passes (they grow the wasm heap and build FFT plans and
caches, which would otherwise be charged to the first loss measured), then --reps timed
forward + backward passes of the loss alone on standard normal [n, d] inputs (a fresh
permutation per pass unless --no-perm). Prints the median and min time of the timed passes and
the peak memory: process RSS during the timed passes over the resting RSS after the warm-up
(host buffers and heap growth beyond the warm-up's; the OS high-water mark, reset per
configuration on Linux) and tfjs tensor bytes. Exact losses ignore --b, --q and --no-perm. A
size whose d x d matrices (exact losses) or O(d^2 / b) pair summaries (relaxed losses with a
tiny b) cannot be held is skipped with a message. --b takes block sizes or 'd'; --q defaults to
each loss's default (2). With --json: one JSON object per line with loss, n, d, b, q, perm,
backend, medianMs, minMs, peakBytes (and medianCpuMs, tfPeakBytes, repetitions, warmup, the
times of each timed pass timesMs and of each warm-up pass warmupMs, skipped). On a busy machine
compare medianCpuMs: the kernels are single-threaded.`,
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
    const blockSizes = values.b
      .split(',')
      .map((part) => (part.trim() === 'd' ? 'd' : positiveIntegers(part, '--b')[0]!));
    const qs = values.q === undefined ? null : positiveIntegers(values.q, '--q');
    if (qs?.some((q) => q !== 1 && q !== 2)) throw new UsageError('--q takes 1, 2 or 1,2');
    const [repetitions] = positiveIntegers(values.reps, '--reps');
    const warmup = Number(values.warmup);
    if (!Number.isInteger(warmup) || warmup < 0)
      throw new UsageError('--warmup must be a non-negative integer');
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
    const backendChoice = values.backend as BackendChoice;
    if (!BACKEND_NAMES.includes(backendChoice))
      throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
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
          repetitions: repetitions!,
          warmup,
        };
        let skipped: string | undefined;
        if (plan.b !== null && plan.b > d) skipped = `block size ${plan.b} > d = ${d}`;
        const limit = backend === 'wasm' ? 'wasm heap: 4 GB' : 'half the RAM';
        if (plan.b === null && exactLossBytes(plan.config.name, d) > 0.75 * limitBytes(backend)) {
          const gigabytes = (exactLossBytes(plan.config.name, d) / 1024 ** 3).toFixed(1);
          skipped = `${plan.config.name} at d = ${d} needs ~${gigabytes} GB of d x d matrices (${limit})`;
        }
        if (plan.b !== null && plan.b <= d && relaxedSummaryBytes(d, plan.b) > 0.75 * limitBytes(backend)) {
          const gigabytes = (relaxedSummaryBytes(d, plan.b) / 1024 ** 3).toFixed(1);
          skipped = `${plan.config.name} at d = ${d}, b = ${plan.b} needs ~${gigabytes} GB of pair summaries (${limit})`;
        }
        const empty = { medianMs: null, minMs: null, medianCpuMs: null, peakBytes: null, tfPeakBytes: null };
        const result: LossBenchResult = skipped
          ? { ...base, ...empty, skipped }
          : { ...base, ...(await measure(plan, n!, d, repetitions!, warmup, random)) };
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
      r.skipped ? `skipped: ${r.skipped}` : '',
    ];
  });
  return `${formatTable(['loss', 'n', 'd', 'b', 'q', 'perm', 'median ms', 'min ms', 'cpu ms', 'peak RSS over warm-up (x n*d*4)', 'tfjs peak', ''], rows)}\nbackend: ${results[0]?.backend ?? '-'} (${device})`;
}
