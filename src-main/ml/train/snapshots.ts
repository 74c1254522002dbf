import type { RunConfig } from '@shared/config/run-config';
import { INSPECT_LIMITS, type SnapshotDtype, type SnapshotSource } from '@shared/inspect';
import type { SnapshotData } from '../inspect/snapshot-data';
import { peekStepPermutation } from './loop-step';
import type { SnapshotReport, TrainerHooks } from './reports';
import type { TrainingSetup } from './setup';
import { forwardProbe, ProbeBatch, probeChunks } from './snapshots-probe';
import type { LoopState } from './state';

/** One decorrelation-inspector snapshot, as the trainer hands it over (issue 12). */
/** Whether the inspect schedule (every N epochs, every N steps) takes a snapshot at `step`. */
export function isSnapshotStep(config: RunConfig, step: number, stepsPerEpoch: number): boolean {
  const { enabled, everySteps, everyEpochs } = config.inspect;
  if (!enabled) return false;
  if (everySteps > 0 && step % everySteps === 0) return true;
  return everyEpochs > 0 && step % stepsPerEpoch === 0 && (step / stepsPerEpoch) % everyEpochs === 0;
}

/** The bytes a snapshot takes in the store (the layout of snapshots.repo.ts). */
export function snapshotBytes(data: SnapshotData, dtype: SnapshotDtype): number {
  const width = dtype === 'float16' ? 2 : 4;
  return 2 * data.n * (data.d + data.featureDim) * width + (data.permutation ? 4 * data.d : 0);
}

/**
 * Takes a snapshot of the model as it is now on the run's probe batch: both views through
 * backbone and projector with batch statistics, the moving statistics and the run's generators
 * untouched (see `forwardProbe`).
 */
export async function takeSnapshot(
  config: RunConfig,
  setup: TrainingSetup,
  probe: ProbeBatch,
  at: { step: number; source: SnapshotSource; permutation: Int32Array | null },
  onProgress?: (done: number, total: number) => void,
): Promise<SnapshotReport> {
  const started = performance.now();
  const outputs = await forwardProbe(setup.encoder, probe, probeChunks(config, probe.n), onProgress);
  const backbone = config.inspect.backbone;
  const data: SnapshotData = {
    n: probe.n,
    d: outputs.d,
    featureDim: backbone ? outputs.featureDim : 0,
    z1: outputs.z1,
    z2: outputs.z2,
    h1: backbone ? outputs.h1 : null,
    h2: backbone ? outputs.h2 : null,
    permutation: at.permutation,
  };
  return {
    step: at.step,
    epoch: Math.ceil(at.step / setup.plan.stepsPerEpoch),
    source: at.source,
    dtype: config.inspect.dtype,
    probeSeed: config.inspect.probeSeed,
    data,
    computeMs: performance.now() - started,
  };
}

/** The run's probe batch (the same on every call for a configuration and its data). */
export function probeBatchOf(config: RunConfig, setup: TrainingSetup): ProbeBatch {
  return new ProbeBatch(setup.train, setup.pipelines, config.inspect.probeImages, config.inspect.probeSeed);
}

/**
 * The training loop's snapshots: at initialisation, on the inspect schedule and at the end,
 * never twice for one step. The recorded permutation is the one the loss used in the step that
 * ended at the snapshot; at step 0 (no step yet) the one step 1 will use, drawn from a copy of
 * the run's generator.
 */
export class LoopSnapshots {
  private probe: ProbeBatch | undefined;
  private lastStep = -1;
  private warned = false;
  /** Snapshots taken and the time they took (sent and stored included) in this segment, ms. */
  count = 0;
  totalMs = 0;

  constructor(
    private readonly config: RunConfig,
    private readonly setup: TrainingSetup,
    private readonly loop: LoopState,
    private readonly hooks: TrainerHooks,
  ) {}

  private get active(): boolean {
    return this.config.inspect.enabled && this.hooks.onSnapshot !== undefined;
  }

  /** At initialisation (step 0 of a fresh run). */
  async initial(): Promise<void> {
    if (this.loop.step === 0) await this.take();
  }

  /** After a step: on the schedule, or because the run `finished`. */
  async afterStep(finished: boolean): Promise<void> {
    if (finished || isSnapshotStep(this.config, this.loop.step, this.setup.plan.stepsPerEpoch))
      await this.take();
  }

  private async take(): Promise<void> {
    const { loop, setup, config } = this;
    if (!this.active || this.lastStep === loop.step) return;
    this.lastStep = loop.step;
    const { plan, train } = setup;
    const started = performance.now();
    this.probe ??= probeBatchOf(config, setup);
    const permutation =
      loop.step === 0
        ? peekStepPermutation(config, loop, plan.stepsPerEpoch, train.count)
        : (loop.lastPermutation ?? null);
    const width = config.inspect.dtype === 'float16' ? 2 : 4;
    const estimate = 2 * this.probe.n * config.model.projectorOutputDim * width;
    if (estimate > INSPECT_LIMITS.maxSnapshotBytes) {
      if (!this.warned)
        this.hooks.log(
          'warn',
          `Snapshots skipped: ${(estimate / 1e9).toFixed(2)} GB each is more than the store keeps in one value (1 GB); use float16 or fewer probe images`,
        );
      this.warned = true;
      return;
    }
    const report = await takeSnapshot(config, setup, this.probe, {
      step: loop.step,
      source: 'training',
      permutation,
    });
    await this.hooks.onSnapshot!(report);
    const elapsed = performance.now() - started;
    this.totalMs += elapsed;
    this.count += 1;
    const { n, d } = report.data;
    const mib = snapshotBytes(report.data, report.dtype) / 2 ** 20;
    this.hooks.log(
      'info',
      `Snapshot at step ${loop.step}: ${n} x ${d} ${report.dtype}, ${mib.toFixed(1)} MiB, ` +
        `${Math.round(elapsed)} ms (forward ${Math.round(report.computeMs)} ms)`,
    );
  }

  /** A line on what the snapshots cost against `segmentMs`, the segment's time so far. */
  describeCost(segmentMs: number): string {
    const share = segmentMs > 0 ? (100 * this.totalMs) / segmentMs : 0;
    return `Snapshots: ${this.count} in ${Math.round(this.totalMs)} ms, ${share.toFixed(2)}% of ${Math.round(segmentMs)} ms`;
  }
}

export type { SnapshotReport } from './reports';
