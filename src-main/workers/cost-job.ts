/**
 * A cost study in the worker (issue 14, item 3): the loss's forward + backward, and optionally
 * the whole training step, timed at every point of the study's plan on the backend it asks for.
 * Each point is reported as soon as it is measured; a point that runs out of memory (or is known
 * not to fit) is a point with status `oom`, and the study goes on to the next.
 */
import * as tf from '@tensorflow/tfjs';
import {
  lossConfigSchema,
  runConfigSchema,
  type BackboneName,
  type LossConfig,
  type RunConfig,
} from '@shared/config/run-config';
import { costEntryLabel, costPlan, type CostPlanEntry } from '@shared/cost/plan';
import type { CostPoint, CostStudySettings } from '@shared/cost/types';
import { selectBackend, type BackendSelection } from '../compute/backend';
import { costEnvironment } from '../compute/measure/environment';
import { lossSkipReason } from '../compute/measure/loss-limits';
import { devicePeakBytes, measureLoss } from '../compute/measure/loss-point';
import { guardPoint, type GuardedPoint } from '../compute/measure/point-guard';
import { measureTraining, syntheticDataset } from '../compute/measure/train-point';
import { Random } from '../ml/random';
import type { ParentPort } from './parent-port';
import type { SupervisorMessage } from './protocol';

type CostStart = Extract<SupervisorMessage, { type: 'cost-start' }>;

/** What a point measured: times over the timed repetitions, and the peak bytes. */
interface Measured {
  medianMs: number;
  minMs: number;
  maxMs: number | null;
  peakBytes: number | null;
}

/** Runs the whole plan; resolves after `done` (completed, or stopped between two points) is sent. */
export async function runCostStudy(
  message: CostStart,
  parent: ParentPort,
  shouldStop: () => boolean,
): Promise<void> {
  const { settings } = message;
  const selection = await selectBackend(settings.backend);
  await parent.send({
    type: 'cost-started',
    environment: costEnvironment(selection, message.appVersion),
    backendNotes: selection.skipped,
  });
  const random = new Random(0);
  const plan = costPlan(settings);
  for (const [index, entry] of plan.entries()) {
    if (shouldStop()) {
      await parent.send({ type: 'done', outcome: 'stopped', results: { points: index } });
      return;
    }
    await parent.send({ type: 'cost-measuring', index, label: costEntryLabel(entry) });
    const point = await measureEntry(entry, settings, selection, random);
    await parent.send({ type: 'cost-point', index, point });
  }
  await parent.send({ type: 'done', outcome: 'completed', results: { points: plan.length } });
}

/** The loss of a plan entry: an exact loss with its defaults, a relaxed one with the study's b, q and permutation. */
export function costLossConfig(entry: CostPlanEntry, settings: CostStudySettings): LossConfig {
  if (entry.blockSize === null) return lossConfigSchema.parse({ name: entry.loss });
  return lossConfigSchema.parse({
    name: entry.loss,
    q: settings.q,
    blockSize: entry.blockSize,
    permutation: settings.permutation ? 'batch' : 'none',
  });
}

/** Images of the shape each backbone is made for: 28x28x1 (Fashion-MNIST), 32x32x3 (CIFAR), 224x224x3. */
function stepDataset(backbone: BackboneName): RunConfig['dataset'] {
  if (backbone === 'mlp' || backbone === 'small-cnn') return { source: 'embedded' };
  if (backbone === 'resnet18-cifar') return { source: 'cifar10', path: 'synthetic' };
  return {
    source: 'image-folder',
    path: 'synthetic',
    imageSize: 224,
    testFraction: 0.1,
  } as RunConfig['dataset'];
}

/**
 * The run configuration a whole-step point trains: the backbone, a d x d projector, batch n; or
 * why a run cannot have it (a d or n beyond what a run takes), as a message.
 */
export function costStepConfig(entry: CostPlanEntry, settings: CostStudySettings): RunConfig | string {
  const backbone = settings.step!.backbone as BackboneName;
  const parsed = runConfigSchema.safeParse({
    name: `cost step ${costEntryLabel(entry)}`,
    backend: settings.backend,
    dataset: stepDataset(backbone),
    model: { backbone, projectorHiddenDim: entry.d, projectorOutputDim: entry.d },
    loss: costLossConfig(entry, settings),
    training: { batchSize: settings.n },
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `a training run cannot have this step (${issue.path.join('.')}: ${issue.message})`;
}

async function measureEntry(
  entry: CostPlanEntry,
  settings: CostStudySettings,
  selection: BackendSelection,
  random: Random,
): Promise<CostPoint> {
  const base = {
    kind: entry.kind,
    loss: entry.loss,
    blockSize: entry.blockSize,
    d: entry.d,
    n: settings.n,
    repeats: settings.repeats,
  };
  const empty = { medianMs: null, minMs: null, maxMs: null, peakBytes: null };
  // Sizes known not to fit are not tried: on wasm a tensor over the heap corrupts memory, and a
  // d x d matrix of tens of GB would swap the machine long before an allocation fails.
  const tooLarge = lossSkipReason(entry.loss, entry.blockSize, entry.d, selection);
  if (tooLarge) return { ...base, ...empty, status: 'oom', message: tooLarge };
  const stepConfig = entry.kind === 'step' ? costStepConfig(entry, settings) : undefined;
  if (typeof stepConfig === 'string') return { ...base, ...empty, status: 'skipped', message: stepConfig };
  let outcome: GuardedPoint<Measured>;
  try {
    outcome = await guardPoint(() =>
      stepConfig ? timeStep(stepConfig, settings) : timeLoss(entry, settings, random),
    );
  } catch (error) {
    outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.status === 'ok') return { ...base, ...outcome.value, status: 'ok', message: null };
  return {
    ...base,
    ...empty,
    status: outcome.status === 'out-of-memory' ? 'oom' : 'error',
    message: outcome.error,
  };
}

async function timeLoss(
  entry: CostPlanEntry,
  settings: CostStudySettings,
  random: Random,
): Promise<Measured> {
  const result = await measureLoss({
    config: costLossConfig(entry, settings),
    n: settings.n,
    d: entry.d,
    repetitions: settings.repeats,
    warmup: settings.warmup,
    random,
  });
  return {
    medianMs: result.medianMs,
    minMs: result.minMs,
    maxMs: Math.max(...result.timesMs),
    peakBytes: devicePeakBytes(result),
  };
}

async function timeStep(config: RunConfig, settings: CostStudySettings): Promise<Measured> {
  // Step time does not depend on pixel values: images of the backbone's shape, enough for a batch.
  const data = syntheticDataset(config, Math.max(settings.n, 2));
  const options = { warmupSteps: settings.warmup, steps: settings.repeats };
  if (tf.getBackend() === 'webgpu') {
    const result = await measureTraining(config, data, options);
    return {
      medianMs: result.medianStepMs,
      minMs: result.minStepMs,
      maxMs: null,
      peakBytes: result.gpuPeakBytes,
    };
  }
  // Off webgpu the peak is the tfjs tensors' (model, optimizer state and activations), which
  // tf.profile tracks; its per-kernel bookkeeping is small next to a training step's kernels.
  let result: Awaited<ReturnType<typeof measureTraining>> | undefined;
  const profile = await tf.profile(async () => {
    result = await measureTraining(config, data, options);
    return [];
  });
  return {
    medianMs: result!.medianStepMs,
    minMs: result!.minStepMs,
    maxMs: null,
    peakBytes: profile.peakBytes,
  };
}
