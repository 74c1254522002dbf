import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder, saveModelFolder } from '../../../src-main/export/tfjs-model';
import { createEncoder } from '../../../src-main/ml/models/create-encoder';
import { useTempDir } from '../../helpers/temp-dir';

/** Runs a few training-mode batches so batch-norm moving statistics differ from their start. */
function moveBatchNormStatistics(model: tf.LayersModel, inputShape: number[]): void {
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => {
      model.apply(tf.randomNormal([8, ...inputShape], 0.5, 2, 'float32', i), { training: true });
    });
  }
}

describe('TensorFlow.js model folders', () => {
  const tempDir = useTempDir();
  const models: tf.LayersModel[] = [];
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => {
    for (const model of models.splice(0)) model.dispose();
  });

  const encoder = (backbone: 'mlp' | 'small-cnn') => {
    const built = createEncoder({
      backbone,
      inputShape: [12, 12, 1],
      projectorHiddenDim: 16,
      projectorOutputDim: 8,
      seed: 3,
      backboneHiddenDim: 24,
      featureDim: 10,
    });
    models.push(built.backbone, built.projector);
    return built;
  };

  it.each(['mlp', 'small-cnn'] as const)(
    'a %s encoder saves and loads with the same outputs',
    async (backbone) => {
      const { backbone: features, projector } = encoder(backbone);
      moveBatchNormStatistics(features, [12, 12, 1]);
      moveBatchNormStatistics(projector, [features.outputs[0]!.shape[1] as number]);
      const dir = tempDir();
      const images = tf.randomUniform([5, 12, 12, 1], 0, 1, 'float32', 11);
      for (const [name, model, input] of [
        ['backbone', features, images],
        ['projector', projector, features.predict(images) as tf.Tensor],
      ] as const) {
        const saved = await saveModelFolder(model, join(dir, name), { metadata: { part: name } });
        expect(readdirSync(join(dir, name)).sort()).toEqual(['model.json', 'weights.bin']);
        const loaded = await loadModelFolder(join(dir, name));
        models.push(loaded);
        expect(loaded.getUserDefinedMetadata()).toEqual({ part: name });
        expect(saved.weightBytes).toBe(
          model.weights.reduce((sum, weight) => sum + weight.shape.reduce((a, b) => a! * b!, 1)! * 4, 0),
        );
        const expected = await (model.predict(input) as tf.Tensor).data();
        const actual = await (loaded.predict(input) as tf.Tensor).data();
        expect(Array.from(actual)).toEqual(Array.from(expected));
      }
    },
  );

  it('writes model.json in the tf.io layout, with weight shards when asked', async () => {
    const { projector } = encoder('mlp');
    const dir = tempDir();
    const saved = await saveModelFolder(projector, dir, { shardSizeBytes: 1024 });
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(['Model', 'Functional']).toContain(json.modelTopology.class_name);
    const paths = json.weightsManifest[0].paths as string[];
    expect(paths.length).toBe(Math.ceil(saved.weightBytes / 1024));
    expect(paths[0]).toBe(`group1-shard1of${paths.length}.bin`);
    const names = (json.weightsManifest[0].weights as { name: string }[]).map((weight) => weight.name);
    expect(names).toContain('projector.1/moving_mean');
    const loaded = await loadModelFolder(dir);
    models.push(loaded);
    const input = tf.randomNormal([4, 10]);
    expect(Array.from(await (loaded.predict(input) as tf.Tensor).data())).toEqual(
      Array.from(await (projector.predict(input) as tf.Tensor).data()),
    );
  });

  it('refuses weight paths that leave the folder', async () => {
    const { projector } = encoder('mlp');
    const dir = tempDir();
    await saveModelFolder(projector, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../weights.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadModelFolder(dir)).rejects.toThrow(/not a plain file name/);
  });
});
