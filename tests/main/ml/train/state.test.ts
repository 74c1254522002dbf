import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import { decodeCheckpoint, encodeCheckpoint } from '../../../../src-main/ml/checkpoint/format';
import { makeViews } from '../../../../src-main/ml/augment/views';
import { gatherImages } from '../../../../src-main/ml/data/image-dataset';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { Random } from '../../../../src-main/ml/random';
import { createTrainingSetup, type TrainingSetup } from '../../../../src-main/ml/train/setup';
import { captureCheckpoint, restoreCheckpoint, type LoopState } from '../../../../src-main/ml/train/state';
import { trainStep } from '../../../../src-main/ml/train/step';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

async function snapshot(setup: TrainingSetup): Promise<Float32Array[]> {
  const tensors = [
    ...setup.encoder.backbone.weights.map((weight) => weight.read()),
    ...setup.encoder.projector.weights.map((weight) => weight.read()),
    ...(setup.probe?.variables ?? []),
    ...Object.values(setup.optimizer.getState().slots).flat(),
    ...Object.values(setup.probe!.optimizer.getState().slots).flat(),
  ];
  return Promise.all(tensors.map(async (tensor) => Float32Array.from(await tensor.data())));
}

describe('checkpoint round trip', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('restores weights, batch-norm statistics and optimizer state bit-exactly', async () => {
    const config = runConfigSchema.parse(tinyConfig({ optimizer: { name: 'lars', learningRate: 0.3 } }));
    const data = loadEmbeddedDataset(RESOURCES_DIR);
    const trained = createTrainingSetup(config, data);
    const random = new Random(3);
    const loss = createLoss(config.loss);
    for (let step = 0; step < 3; step++) {
      const indices = Int32Array.from({ length: 64 }, (_, i) => i + step * 64);
      const views = makeViews(gatherImages(data.train, indices), [64, 28, 28, 1], trained.pipelines, random);
      await trainStep({
        encoder: trained.encoder,
        optimizer: trained.optimizer,
        loss,
        views,
        permutation: null,
        learningRate: 0.1,
        probe: { probe: trained.probe!, labels: Int32Array.from(indices, (i) => data.train.labels[i]!) },
      });
      tf.dispose(views);
    }
    const loop: LoopState = {
      step: 3,
      order: random.permutation(1024),
      random,
      augmentRandom: random.fork(),
      results: { initialKnnTop1: 0.5 },
      probe: { correct: 12, seen: 192 },
    };
    const bytes = encodeCheckpoint(await captureCheckpoint(trained, loop, config));
    const expected = await snapshot(trained);
    trained.dispose();

    const before = tf.memory().numTensors;
    const fresh = createTrainingSetup(config, data);
    const restored = restoreCheckpoint(fresh, decodeCheckpoint(bytes));
    const actual = await snapshot(fresh);
    expect(actual.length).toBe(expected.length);
    actual.forEach((values, i) =>
      expect(Buffer.from(values.buffer).equals(Buffer.from(expected[i]!.buffer))).toBe(true),
    );
    expect(fresh.optimizer.iterations).toBe(3);
    expect(restored.step).toBe(3);
    expect(restored.order).toEqual(loop.order);
    expect(restored.random.state).toEqual(loop.random.state);
    expect(restored.augmentRandom.state).toEqual(loop.augmentRandom.state);
    expect(restored.results).toEqual({ initialKnnTop1: 0.5 });
    expect(restored.probe).toEqual({ correct: 12, seen: 192 });
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint of another configuration, and truncated bytes', async () => {
    const data = loadEmbeddedDataset(RESOURCES_DIR);
    const small = createTrainingSetup(runConfigSchema.parse(tinyConfig()), data);
    const loop: LoopState = {
      step: 0,
      order: new Int32Array(4),
      random: new Random(1),
      augmentRandom: new Random(2),
      results: {},
      probe: { correct: 0, seen: 0 },
    };
    const bytes = encodeCheckpoint(await captureCheckpoint(small, loop, runConfigSchema.parse(tinyConfig())));
    small.dispose();
    const wider = createTrainingSetup(
      runConfigSchema.parse(
        tinyConfig({
          model: {
            backbone: 'mlp',
            backboneHiddenDim: 64,
            featureDim: 32,
            projectorHiddenDim: 64,
            projectorOutputDim: 128,
          },
        }),
      ),
      data,
    );
    expect(() => restoreCheckpoint(wider, decodeCheckpoint(bytes))).toThrow(
      /has shape \[64,64\], the model \[64,128\]|has shape/,
    );
    wider.dispose();
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(
      /bad magic/,
    );
  });
});
