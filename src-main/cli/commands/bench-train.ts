import { parseArgs } from 'node:util';
import { PRESETS } from '@shared/config/presets';
import { LOSS_NAMES, OPTIMIZERS, type LossName } from '@shared/config/run-config';
import type { GpuAdapterInfo } from '@shared/gpu';
import { selectBackend } from '../../compute/backend';
import { datasetSpecOf, loadDataset } from '../../datasets/load-dataset';
import { findResourcesDir } from '../../paths';
import { parseRunConfig } from '../../services/runs.service';
import { UsageError, type CliCommand } from '../command';
import { formatTable } from '../format';
import { nonNegativeInteger, positiveInteger } from '../bench/arguments';
import { measureTraining, syntheticDataset } from '../../compute/measure/train-point';
import { trainingConfig } from '../bench/train-config';

function list(text: string | undefined): string[] {
  return text
    ? text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

/** One measured configuration; the --json line (with the slowest kernels under --profile). */
interface TrainRow {
  benchmark: 'train';
  preset: string;
  backbone: string;
  loss: string;
  d: number;
  batchSize: number;
  optimizer: string;
  backend: string;
  device: string;
  /** The WebGPU adapter, null on the other backends. */
  adapter: GpuAdapterInfo | null;
  medianStepMs: number;
  minStepMs: number;
  imagesPerSecond: number;
  /** The step's parts; null on webgpu, where they would time only the queueing of kernels. */
  dataMs: number | null;
  forwardMs: number | null;
  backwardMs: number | null;
  lossMs: number;
  lossShare: number;
  gpuPeakBytes: number | null;
  parameters: number;
  steps: number;
  warmupSteps: number;
}

export const benchTrainCommand: CliCommand = {
  name: 'bench train',
  summary: 'Benchmark training steps of a preset: images/s and the step-time split, per loss and d',
  usage: `Usage: npm run cli -- bench train [--preset NAME] [--loss bt,fft-bt,...] [--d 2048,8192]
                                [--batch N] [--micro-batch M] [--optimizer sgd] [--momentum 0.9] [--steps 5] [--warmup 2]
                                [--synthetic] [--backend B] [--threads N] [--profile] [--json]

--synthetic times the preset on random images of its data's shape (for data not on this machine).
--micro-batch M computes each step's exact gradients M images at a time (large batches on wasm).
--profile times one more step kernel by kernel and lists the slowest kernels.
--threads N runs the wasm backend on N threads (default: every core, at most 8).

Runs real training steps (same data, augmentations, model, loss and optimizer as a run) after
--warmup untimed steps per configuration (the first steps grow the wasm heap and build caches),
and reports the median step time split into data + augmentation,
forward + loss, backward + update, plus the loss alone (forward + backward) and its share.
Each step ends with the read-back of its loss, after the update was queued, so on webgpu the
step's GPU work is inside its time; the split is not measured there (a part's time would only
be the queueing of its kernels). With --json each line also has the backend's device, the
WebGPU adapter (else null) and gpuPeakBytes (webgpu: the GPU buffers the steps needed).
--loss and --d take lists; every combination is measured with the same backbone and batch.
Losses named with --loss use their default parameters (the FFT losses with one block, b = d);
without --loss the preset's own loss is timed.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        preset: { type: 'string', default: 'quickstart' },
        loss: { type: 'string' },
        d: { type: 'string' },
        batch: { type: 'string' },
        optimizer: { type: 'string' },
        momentum: { type: 'string' },
        steps: { type: 'string', default: '5' },
        'micro-batch': { type: 'string' },
        synthetic: { type: 'boolean', default: false },
        warmup: { type: 'string', default: '2' },
        backend: { type: 'string', default: 'auto' },
        threads: { type: 'string' },
        profile: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const preset = PRESETS[values.preset];
    if (!preset)
      throw new UsageError(`Unknown preset "${values.preset}"; known: ${Object.keys(PRESETS).join(', ')}`);
    const base = parseRunConfig(preset.config);
    const losses = list(values.loss);
    for (const name of losses) {
      if (!(LOSS_NAMES as readonly string[]).includes(name))
        throw new UsageError(`Unknown loss "${name}"; known: ${LOSS_NAMES.join(', ')}`);
    }
    if (values.optimizer && !(OPTIMIZERS as readonly string[]).includes(values.optimizer)) {
      throw new UsageError(`Unknown optimizer "${values.optimizer}"; known: ${OPTIMIZERS.join(', ')}`);
    }
    const dimensions = list(values.d).map((text) => positiveInteger(text, '--d'));
    const steps = positiveInteger(values.steps, '--steps');
    const warmupSteps = nonNegativeInteger(values.warmup, '--warmup');
    const backend = await selectBackend(
      parseRunConfig({ name: 'x', backend: values.backend }).backend,
      values.threads ? positiveInteger(values.threads, '--threads') : undefined,
    );
    const data = values.synthetic
      ? syntheticDataset(base, Math.max(4 * base.training.batchSize, 512))
      : await loadDataset(datasetSpecOf(base), findResourcesDir(context.buildDir));
    const rows: TrainRow[] = [];
    for (const lossName of losses.length > 0 ? (losses as LossName[]) : [base.loss.name]) {
      for (const d of dimensions.length > 0 ? dimensions : [base.model.projectorOutputDim]) {
        const config = trainingConfig(base, {
          // Losses named with --loss take their defaults (b = d for the FFT losses), else the preset's.
          ...(losses.length === 0 ? {} : { loss: { name: lossName } }),
          ...(dimensions.length > 0 ? { d } : {}),
          ...(values.optimizer ? { optimizer: values.optimizer } : {}),
          ...(values.momentum !== undefined ? { momentum: Number(values.momentum) } : {}),
          ...(values.batch ? { batchSize: positiveInteger(values.batch, '--batch') } : {}),
          ...(values['micro-batch']
            ? { microBatchSize: positiveInteger(values['micro-batch'], '--micro-batch') }
            : {}),
        });
        context.stderr.write(
          `measuring ${config.model.backbone} ${lossName} d=${d} batch ${config.training.batchSize}...\n`,
        );
        const result = await measureTraining(config, data, { warmupSteps, steps, profile: values.profile });
        const row: TrainRow = {
          benchmark: 'train',
          preset: values.preset,
          backbone: config.model.backbone,
          loss: lossName,
          d,
          batchSize: config.training.batchSize,
          optimizer: config.optimizer.name,
          backend: backend.name,
          device: backend.device,
          adapter: backend.adapter ?? null,
          medianStepMs: Math.round(result.medianStepMs),
          minStepMs: Math.round(result.minStepMs),
          imagesPerSecond: Number(result.imagesPerSecond.toPrecision(3)),
          dataMs: roundOrNull(result.dataMs),
          forwardMs: roundOrNull(result.forwardMs),
          backwardMs: roundOrNull(result.backwardMs),
          lossMs: Number(result.lossMs.toFixed(1)),
          lossShare: Number((result.lossMs / result.medianStepMs).toFixed(3)),
          gpuPeakBytes: result.gpuPeakBytes,
          parameters: result.parameterCount,
          // The medians are over the timed steps only, after the untimed warm-up steps.
          steps: result.steps,
          warmupSteps,
        };
        rows.push(row);
        const kernels = result.kernels?.slice(0, 12);
        if (values.json) context.stdout.write(`${JSON.stringify(kernels ? { ...row, kernels } : row)}\n`);
        else if (kernels) {
          const profiled = kernels.map((kernel) => [kernel.kernel, kernel.calls, kernel.ms.toFixed(1)]);
          context.stdout.write(
            `slowest kernels of one ${lossName} d=${d} step:\n${formatTable(['kernel', 'calls', 'ms'], profiled)}\n`,
          );
        }
      }
    }
    if (!values.json) {
      const headers = [
        'loss',
        'd',
        'batch',
        'step ms (median)',
        'images/s',
        'data ms',
        'fwd ms',
        'bwd ms',
        'loss ms',
        'loss share',
      ];
      const table = rows.map((row) => [
        row.loss,
        row.d,
        row.batchSize,
        row.medianStepMs,
        row.imagesPerSecond,
        row.dataMs ?? '-',
        row.forwardMs ?? '-',
        row.backwardMs ?? '-',
        row.lossMs,
        `${(row.lossShare * 100).toFixed(1)}%`,
      ]);
      context.stdout.write(
        `${backend.name} (${backend.device}), ${rows[0]?.backbone}, optimizer ${rows[0]?.optimizer}\n${formatTable(headers, table)}\n`,
      );
    }
    return 0;
  },
};

const roundOrNull = (ms: number | null) => (ms === null ? null : Math.round(ms));
