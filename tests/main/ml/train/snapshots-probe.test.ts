import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import type { DatasetSplits } from '../../../../src-main/ml/data/image-dataset';
import { createTrainingSetup, type TrainingSetup } from '../../../../src-main/ml/train/setup';
import { forwardProbe, ProbeBatch, probeChunks } from '../../../../src-main/ml/train/snapshots-probe';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

const config = runConfigSchema.parse(
  tinyConfig({
    dataset: { source: 'embedded', trainLimit: 512 },
    model: { backbone: 'small-cnn', projectorHiddenDim: 64, projectorOutputDim: 32 },
    training: { epochs: 1, batchSize: 32 },
  }),
);

/** The batch-norm moving statistics of the whole model, by variable name. */
function movingStatistics(setup: TrainingSetup): Record<string, number[]> {
  const weights = [...setup.encoder.backbone.weights, ...setup.encoder.projector.weights];
  return Object.fromEntries(
    weights
      .filter((weight) => weight.originalName.includes('moving'))
      .map((weight) => [weight.name, Array.from(weight.read().dataSync())]),
  );
}

describe('the probe batch', () => {
  let data: DatasetSplits;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    data = loadEmbeddedDataset(RESOURCES_DIR);
  });

  it('draws the same images and views from its seed, chunk by chunk as at once', () => {
    const setup = createTrainingSetup(config, data);
    try {
      const a = new ProbeBatch(setup.train, setup.pipelines, 40, 7);
      const b = new ProbeBatch(setup.train, setup.pipelines, 40, 7);
      const other = new ProbeBatch(setup.train, setup.pipelines, 40, 8);
      expect(a.indices).toEqual(b.indices);
      expect(a.indices).not.toEqual(other.indices);
      expect(new Set(a.indices).size).toBe(40);
      for (const view of [0, 1] as const) {
        const whole = a.views(view, 0, 40);
        const parts = [b.views(view, 0, 13), b.views(view, 13, 40)];
        const joined = tf.concat(parts, 0);
        expect(Array.from(joined.dataSync())).toEqual(Array.from(whole.dataSync()));
        tf.dispose([whole, joined, ...parts]);
      }
      const [first, second] = [a.views(0, 0, 40), a.views(1, 0, 40)];
      expect(Array.from(first.dataSync())).not.toEqual(Array.from(second.dataSync()));
      tf.dispose([first, second]);
      // More images asked than the split has: all of them.
      expect(new ProbeBatch(setup.train, setup.pipelines, 4096, 7).n).toBe(512);
    } finally {
      setup.dispose();
    }
  });

  it('forwards with batch statistics as training does, leaving the moving statistics alone', async () => {
    const setup = createTrainingSetup(config, data);
    try {
      const probe = new ProbeBatch(setup.train, setup.pipelines, 48, 3);
      const before = movingStatistics(setup);
      const tensors = tf.memory().numTensors;
      const outputs = await forwardProbe(setup.encoder, probe, { backbone: 48, projector: 48 });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(movingStatistics(setup)).toEqual(before);
      expect(outputs).toMatchObject({ d: 32, featureDim: 128 });
      // The same numbers as a plain training-mode forward of the batch (which does move the statistics).
      const view = probe.views(1, 0, 48);
      const h = setup.encoder.backbone.apply(view, { training: true }) as tf.Tensor;
      const z = setup.encoder.projector.apply(h, { training: true }) as tf.Tensor;
      expect(Array.from(outputs.h2)).toEqual(Array.from(h.dataSync()));
      expect(Array.from(outputs.z2)).toEqual(Array.from(z.dataSync()));
      tf.dispose([view, h, z]);
      expect(movingStatistics(setup)).not.toEqual(before);
    } finally {
      setup.dispose();
    }
  });

  it('goes in chunks of max(batch size, 256) images through the backbone, the projector whole while small', async () => {
    expect(probeChunks(config, 512)).toEqual({ backbone: 256, projector: 512 });
    expect(probeChunks(config, 100)).toEqual({ backbone: 100, projector: 100 });
    const wide = runConfigSchema.parse(
      tinyConfig({ model: { backbone: 'mlp', projectorHiddenDim: 32768, projectorOutputDim: 32768 } }),
    );
    expect(probeChunks(wide, 512)).toEqual({ backbone: 256, projector: 256 });
    expect(probeChunks(wide, 256)).toEqual({ backbone: 256, projector: 256 });
    expect(probeChunks(wide, 200)).toEqual({ backbone: 200, projector: 200 });
    // In chunks, the MLP backbone (no batch norm) gives the same features as at once.
    const mlp = runConfigSchema.parse(tinyConfig({ dataset: { source: 'embedded', trainLimit: 512 } }));
    const setup = createTrainingSetup(mlp, data);
    try {
      const probe = new ProbeBatch(setup.train, setup.pipelines, 64, 3);
      const whole = await forwardProbe(setup.encoder, probe, { backbone: 64, projector: 64 });
      const chunked = await forwardProbe(setup.encoder, probe, { backbone: 24, projector: 64 });
      expect(chunked.h1).toEqual(whole.h1);
      expect(chunked.z1).toEqual(whole.z1);
    } finally {
      setup.dispose();
    }
  });
});
