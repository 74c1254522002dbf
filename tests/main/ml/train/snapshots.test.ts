import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '@shared/config/run-config';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import type { CheckpointContents } from '../../../../src-main/ml/checkpoint/format';
import type { DatasetSplits } from '../../../../src-main/ml/data/image-dataset';
import { createLoss, type LossFunction } from '../../../../src-main/ml/losses/registry';
import { isSnapshotStep, type SnapshotReport } from '../../../../src-main/ml/train/snapshots';
import { trainSelfSupervised } from '../../../../src-main/ml/train/trainer';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

/** A small CNN (batch norm in the backbone and the projector) with the permuted relaxed loss. */
function snapshotConfig(
  inspect: RunConfigInput['inspect'],
  overrides: Partial<RunConfigInput> = {},
): RunConfig {
  return runConfigSchema.parse(
    tinyConfig({
      name: 'snapshots',
      dataset: { source: 'embedded', trainLimit: 512 },
      model: { backbone: 'small-cnn', projectorHiddenDim: 64, projectorOutputDim: 64 },
      loss: { name: 'fft-bt', blockSize: 8, permutation: 'batch' },
      training: { epochs: 2, batchSize: 64, maxSteps: 13 },
      inspect,
      ...overrides,
    }),
  );
}

interface Trained {
  losses: number[];
  /** The permutation the loss got at each step (index 0: step 1). */
  permutations: (Int32Array | null)[];
  snapshots: SnapshotReport[];
  checkpoints: Map<number, CheckpointContents>;
}

async function train(
  config: RunConfig,
  data: DatasetSplits,
  options: { snapshots: boolean; resumeFrom?: CheckpointContents; stopAfter?: number },
): Promise<Trained> {
  const inner = createLoss(config.loss);
  const permutations: (Int32Array | null)[] = [];
  const loss: LossFunction = (z1, z2, lossOptions) => {
    const permutation = lossOptions?.permutation;
    permutations.push(permutation ? Int32Array.from(permutation) : null);
    return inner(z1, z2, lossOptions);
  };
  const result: Trained = { losses: [], permutations, snapshots: [], checkpoints: new Map() };
  await trainSelfSupervised(
    config,
    data,
    loss,
    {
      onStep: (report) => result.losses.push(report.loss),
      onCheckpoint: (report) => void result.checkpoints.set(report.step, report.contents),
      ...(options.snapshots
        ? { onSnapshot: (report: SnapshotReport) => void result.snapshots.push(report) }
        : {}),
      shouldStop: () => options.stopAfter !== undefined && result.losses.length >= options.stopAfter,
      log: () => {},
    },
    { timeLoss: false, ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}) },
  );
  return result;
}

/** Every tensor of a checkpoint (weights, batch-norm moving statistics, optimizer state) by name. */
const tensorsOf = (contents: CheckpointContents) =>
  Object.fromEntries(contents.tensors.map((tensor) => [tensor.name, Array.from(tensor.data)]));

describe('inspector snapshots during training', () => {
  let data: DatasetSplits;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    data = loadEmbeddedDataset(RESOURCES_DIR);
  });

  it('follow the schedule: initialisation, every N steps and epochs, the end, never twice', () => {
    const config = snapshotConfig({ everyEpochs: 1, everySteps: 3 });
    const steps = Array.from({ length: 17 }, (_, step) => step).filter((step) =>
      isSnapshotStep(config, step, 8),
    );
    expect(steps).toEqual([0, 3, 6, 8, 9, 12, 15, 16]);
    expect(isSnapshotStep(snapshotConfig({ enabled: false, everySteps: 1 }), 4, 8)).toBe(false);
  });

  it('leave training unchanged: identical losses, weights and batch-norm statistics; the same probe batch each time', async () => {
    // 8 steps per epoch, 13 steps: snapshots at 0, 3, 6, 8 (epoch), 9, 12 and 13 (the end).
    const config = snapshotConfig({ everyEpochs: 1, everySteps: 3, probeImages: 96 });
    const without = await train(config, data, { snapshots: false });
    const withSnapshots = await train(config, data, { snapshots: true });
    expect(withSnapshots.losses).toHaveLength(13);
    expect(withSnapshots.losses).toEqual(without.losses); // exactly, step by step
    expect(tensorsOf(withSnapshots.checkpoints.get(13)!)).toEqual(tensorsOf(without.checkpoints.get(13)!));
    expect(withSnapshots.snapshots.map((s) => s.step)).toEqual([0, 3, 6, 8, 9, 12, 13]);
    const first = withSnapshots.snapshots[0]!;
    expect(first.data).toMatchObject({ n: 96, d: 64, featureDim: 128 });
    expect(first.data.z1).toHaveLength(96 * 64);
    expect(first.data.h2).toHaveLength(96 * 128);
    // The permutation of the step that ended at the snapshot; at step 0 the one step 1 used.
    for (const snapshot of withSnapshots.snapshots) {
      const used = withSnapshots.permutations[Math.max(0, snapshot.step - 1)]!;
      expect(snapshot.data.permutation).toEqual(used);
    }
    // Z1 and Z2 differ (two views), and the model changes between snapshots.
    expect(first.data.z1).not.toEqual(first.data.z2);
    expect(withSnapshots.snapshots[1]!.data.z1).not.toEqual(first.data.z1);
  }, 240_000);

  it('see the same probe batch after a resume: snapshots equal those of the uninterrupted run', async () => {
    const config = snapshotConfig(
      { everyEpochs: 1, everySteps: 4, probeImages: 64 },
      { checkpoint: { everyEpochs: 0, everySteps: 4, keepLast: 10, keepBest: false } },
    );
    const whole = await train(config, data, { snapshots: true });
    const resumed = await train(config, data, { snapshots: true, resumeFrom: whole.checkpoints.get(8)! });
    expect(resumed.snapshots.map((s) => s.step)).toEqual([12, 13]);
    for (const snapshot of resumed.snapshots) {
      const original = whole.snapshots.find((s) => s.step === snapshot.step)!;
      expect(snapshot.data.z1).toEqual(original.data.z1);
      expect(snapshot.data.z2).toEqual(original.data.z2);
      expect(snapshot.data.h1).toEqual(original.data.h1);
      expect(snapshot.data.permutation).toEqual(original.data.permutation);
    }
    expect(resumed.losses).toEqual(whole.losses.slice(8));
  }, 240_000);

  it('store float16 and leave out the backbone when the configuration says so', async () => {
    const config = snapshotConfig(
      { everyEpochs: 0, probeImages: 32, dtype: 'float16', backbone: false },
      { loss: { name: 'bt' }, training: { epochs: 1, batchSize: 64, maxSteps: 2 } },
    );
    const { snapshots } = await train(config, data, { snapshots: true });
    expect(snapshots.map((s) => [s.step, s.dtype])).toEqual([
      [0, 'float16'],
      [2, 'float16'],
    ]);
    expect(snapshots[0]!.data).toMatchObject({ featureDim: 0, h1: null, h2: null, permutation: null });
  }, 120_000);

  it('are not taken when disabled', async () => {
    const config = snapshotConfig(
      { enabled: false },
      { training: { epochs: 1, batchSize: 64, maxSteps: 2 } },
    );
    expect((await train(config, data, { snapshots: true })).snapshots).toEqual([]);
  }, 120_000);
});
