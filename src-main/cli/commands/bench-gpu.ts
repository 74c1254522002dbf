import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS } from '@shared/config/presets';
import { BACKEND_NAMES, lossConfigSchema, type BackendChoice } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import { selectBackend, type BackendSelection } from '../../compute/backend';
import { Random } from '../../ml/random';
import { parseRunConfig } from '../../services/runs.service';
import { UsageError, type CliCommand, type CliContext } from '../command';
import { nonNegativeInteger, positiveInteger, positiveIntegers } from '../bench/arguments';
import { describeEnvironment } from '../../compute/measure/environment';
import { lossSkipReason } from '../../compute/measure/loss-limits';
import { measureLoss, type LossMeasurement } from '../../compute/measure/loss-point';
import { guardPoint, type GuardedPoint } from '../../compute/measure/point-guard';
import { measureTraining, syntheticDataset } from '../../compute/measure/train-point';
import { trainingConfig } from '../bench/train-config';
import {
  evaluateGoals,
  GOALS,
  PAPER_SPEEDUP,
  stepSpeedups,
  type GpuBenchReport,
  type GpuBenchSettings,
  type LossPointResult,
  type Method,
  type TrainPointResult,
} from './bench-gpu-report';
import { formatGpuReport } from './bench-gpu-table';

const METHODS: { method: Method; loss: 'bt' | 'fft-bt' }[] = [
  { method: 'BT', loss: 'bt' },
  { method: 'sBT', loss: 'fft-bt' },
];
const PARTS = ['loss', 'train'] as const;

/**
 * The set, and tiny sizes for a software device. On SwiftShader (2 cores) one warm
 * ResNet-18 step takes about 40 s even at batch 2, so --quick times one training d only.
 */
export const FULL_SIZES = {
  n: 256,
  lossDims: [2048, 8192, 32768],
  trainDims: [2048, 8192],
  batchSize: 256,
  iterations: 10,
  warmup: 3,
};
export const QUICK_SIZES = {
  n: 32,
  lossDims: [256, 1024],
  trainDims: [256],
  batchSize: 2,
  iterations: 1,
  warmup: 1,
};

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'webgpu' },
      quick: { type: 'boolean', default: false },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      n: { type: 'string' },
      d: { type: 'string' },
      'train-d': { type: 'string' },
      batch: { type: 'string' },
      parts: { type: 'string', default: PARTS.join(',') },
      seed: { type: 'string', default: '0' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const backend = values.backend as BackendChoice;
  if (!BACKEND_NAMES.includes(backend))
    throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const parts = values.parts.split(',').map((part) => part.trim());
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part))
      throw new UsageError(`--parts takes ${PARTS.join(', ')} (comma-separated), not "${part}"`);
  }
  const sizes = values.quick ? QUICK_SIZES : FULL_SIZES;
  const n = values.n === undefined ? sizes.n : positiveInteger(values.n, '--n');
  if (n < 2) throw new UsageError('--n must be at least 2');
  const settings: GpuBenchSettings = {
    quick: values.quick,
    n,
    lossDims: values.d === undefined ? sizes.lossDims : positiveIntegers(values.d, '--d'),
    trainDims:
      values['train-d'] === undefined ? sizes.trainDims : positiveIntegers(values['train-d'], '--train-d'),
    batchSize: values.batch === undefined ? sizes.batchSize : positiveInteger(values.batch, '--batch'),
    iterations:
      values.iterations === undefined ? sizes.iterations : positiveInteger(values.iterations, '--iterations'),
    warmup: values.warmup === undefined ? sizes.warmup : nonNegativeInteger(values.warmup, '--warmup'),
    seed: nonNegativeInteger(values.seed, '--seed'),
  };
  return { backend, settings, parts, out: values.out, json: values.json };
}

/** The end of a point on the progress stream: a long GPU run says where it is. */
function reportPoint(
  context: CliContext,
  outcome: GuardedPoint<unknown>,
  medianMs: number | undefined,
): void {
  context.stderr.write(
    outcome.status === 'ok'
      ? `  median ${medianMs?.toFixed(2)} ms\n`
      : `  ${outcome.status}: ${outcome.error}\n`,
  );
}

async function lossPoints(
  settings: GpuBenchSettings,
  selection: BackendSelection,
  context: CliContext,
): Promise<LossPointResult[]> {
  const random = new Random(settings.seed);
  const results: LossPointResult[] = [];
  for (const d of settings.lossDims) {
    for (const { method, loss } of METHODS) {
      context.stderr.write(`loss ${method} n=${settings.n} d=${d}...\n`);
      const config = lossConfigSchema.parse(loss === 'bt' ? { name: loss } : { name: loss, blockSize: d });
      // A size known not to fit is recorded as such without trying (see lossSkipReason).
      const tooLarge = lossSkipReason(loss, loss === 'bt' ? null : d, d, selection);
      const outcome: GuardedPoint<LossMeasurement> = tooLarge
        ? { status: 'out-of-memory', error: tooLarge }
        : await guardPoint(() =>
            measureLoss({
              config,
              n: settings.n,
              d,
              repetitions: settings.iterations,
              warmup: settings.warmup,
              random,
            }),
          );
      const measured = outcome.status === 'ok' ? outcome.value : null;
      results.push({
        method,
        loss,
        n: settings.n,
        d,
        b: loss === 'bt' ? null : d,
        status: outcome.status,
        ...(outcome.status === 'ok' ? {} : { error: outcome.error }),
        medianMs: measured?.medianMs ?? null,
        minMs: measured?.minMs ?? null,
        timesMs: measured?.timesMs ?? null,
        gpuPeakBytes: measured?.gpuPeakBytes ?? null,
        tfPeakBytes: measured?.tfPeakBytes ?? null,
      });
      reportPoint(context, outcome, measured?.medianMs);
    }
  }
  return results;
}

/** CIFAR ResNet-18 with the solo-learn recipes of BT and of sBT, on random CIFAR-shaped images. */
async function trainPoints(settings: GpuBenchSettings, context: CliContext): Promise<TrainPointResult[]> {
  const presets = { BT: PRESETS['cifar10-bt']!, sBT: PRESETS['cifar10-sbt']! };
  const data = syntheticDataset(parseRunConfig(presets.BT.config), Math.max(4 * settings.batchSize, 64));
  const results: TrainPointResult[] = [];
  for (const d of settings.trainDims) {
    for (const { method, loss } of METHODS) {
      const base = parseRunConfig(presets[method].config);
      const config = trainingConfig(base, {
        d,
        batchSize: settings.batchSize,
        ...(loss === 'fft-bt' ? { loss: { ...base.loss, blockSize: d } } : {}),
      });
      context.stderr.write(
        `train ${config.model.backbone} ${method} d=${d} batch ${settings.batchSize}...\n`,
      );
      const outcome = await guardPoint(() =>
        measureTraining(config, data, { warmupSteps: settings.warmup, steps: settings.iterations }),
      );
      const measured = outcome.status === 'ok' ? outcome.value : null;
      results.push({
        method,
        loss,
        backbone: config.model.backbone,
        d,
        batchSize: settings.batchSize,
        status: outcome.status,
        ...(outcome.status === 'ok' ? {} : { error: outcome.error }),
        medianStepMs: measured?.medianStepMs ?? null,
        minStepMs: measured?.minStepMs ?? null,
        imagesPerSecond: measured?.imagesPerSecond ?? null,
        lossMs: measured?.lossMs ?? null,
        gpuPeakBytes: measured?.gpuPeakBytes ?? null,
        parameters: measured?.parameterCount ?? null,
      });
      reportPoint(context, outcome, measured?.medianStepMs);
    }
  }
  return results;
}

export const benchGpuCommand: CliCommand = {
  name: 'bench gpu',
  summary: 'The figures a GPU machine should report: BT vs sBT loss and ResNet-18 steps, with the goals',
  usage: `Usage: npm run cli -- bench gpu [--backend webgpu] [--quick] [--iterations N] [--warmup N]
                              [--n 256] [--d 2048,8192,32768] [--train-d 2048,8192] [--batch 256]
                              [--parts loss,train] [--seed 0] [--out FILE.json] [--json]

Measures, on the chosen backend (default webgpu; a software adapter only when forced, which
--backend webgpu does):
  loss   forward + backward of BT and of sBT (one block, b = d) on [n, d] embeddings,
         n = 256, d = 2048, 8192, 32768;
  train  the training step of CIFAR ResNet-18 (the cifar10-bt and cifar10-sbt recipes, on
         random CIFAR-shaped images) at batch 256, d = 2048 and 8192: median step time,
         images/s, and the loss alone at that size.
Each point: --warmup untimed iterations (default 3), then --iterations timed ones (default 10),
each ending with a read-back of the loss, so the GPU's queued work is inside the time; the
medians are over the timed ones. GPU memory (webgpu) is the bytes of GPU buffers the point
needed. A point that runs out of memory (or exceeds the adapter's buffer limits) is recorded
as out-of-memory and the run goes on (so is a size known beforehand not to fit: a d x d
matrix over the adapter's binding limit, the wasm heap or half the RAM); other failures are recorded as failed (exit code 1).
Then sBT's step speed-up over BT's per d beside the paper's (${PAPER_SPEEDUP.range.join('-')}x at d = ${PAPER_SPEEDUP.d}),
and our goals on a real GPU with a mark computed from the figures: sBT's step at least
${GOALS.stepSpeedup.atLeast}x faster than BT's at d = ${GOALS.stepSpeedup.d}; sBT forward + backward under ${GOALS.relaxedLoss.underMs} ms at n = ${GOALS.relaxedLoss.n},
d = ${GOALS.relaxedLoss.d}. Each goal is read at its d when that is run, else at the largest d run.
--quick: n = 32, loss d = 256, 1024, training d = 256 at batch 2, 1 warm-up and 1 timed
iteration (for a software device: about 4 minutes on SwiftShader, ResNet-18 is the slow part).
--out writes the JSON report to a file; --json prints it instead of the tables. The report
has the machine, backend, adapter and versions, settings, loss, train, speedups, paper, goals.`,
  async run(args, context) {
    const { backend, settings, parts, out, json } = parse(args);
    const selection = await selectBackend(backend).catch((error: unknown) => {
      throw new AppFailure('unavailable', error instanceof Error ? error.message : String(error));
    });
    const loss = parts.includes('loss') ? await lossPoints(settings, selection, context) : [];
    const train = parts.includes('train') ? await trainPoints(settings, context) : [];
    const speedups = stepSpeedups(train, settings.trainDims);
    const report: GpuBenchReport = {
      benchmark: 'gpu',
      createdAt: new Date().toISOString(),
      ...describeEnvironment(selection, context.buildDir),
      settings,
      loss,
      train,
      speedups,
      paper: {
        d: PAPER_SPEEDUP.d,
        speedupRange: PAPER_SPEEDUP.range,
        measured: speedups.find((entry) => entry.d === PAPER_SPEEDUP.d)?.speedup ?? null,
      },
      goals: evaluateGoals(settings, loss, speedups),
    };
    const text = JSON.stringify(report, null, 2);
    if (out) {
      writeFileSync(out, `${text}\n`);
      context.stderr.write(`wrote ${out}\n`);
    }
    context.stdout.write(json ? `${text}\n` : `${formatGpuReport(report)}\n`);
    return [...loss, ...train].some((point) => point.status === 'failed') ? 1 : 0;
  },
};
