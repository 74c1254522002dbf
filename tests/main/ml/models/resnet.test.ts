import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../../src-main/ml/models/create-encoder';
import type { Encoder } from '../../../../src-main/ml/models/mlp-encoder';
import { createResNet } from '../../../../src-main/ml/models/resnet';
import { trainableParameters } from './count';

describe('ResNet parameter counts against torchvision', () => {
  const built: tf.LayersModel[] = [];
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(() => built.forEach((model) => model.dispose()));

  it('ResNet-18 (ImageNet stem): 11,689,512 with the 1000-class fc, so 11,176,512 without', () => {
    const model = createResNet({ depth: 18, stem: 'imagenet', inputShape: [32, 32, 3], seed: 1 });
    built.push(model);
    expect(trainableParameters(model)).toBe(11_689_512 - (512 * 1000 + 1000));
  });

  it('ResNet-50: 25,557,032 with the fc, so 23,508,032 without; 2048-d features', () => {
    const encoder: Encoder = createEncoder({
      backbone: 'resnet50',
      inputShape: [32, 32, 3],
      projectorHiddenDim: 64,
      projectorOutputDim: 32,
      seed: 1,
    });
    built.push(encoder.backbone, encoder.projector);
    expect(trainableParameters(encoder.backbone)).toBe(25_557_032 - (2048 * 1000 + 1000));
    const [features, embedding] = tf.tidy(() => {
      const output = encoder.backbone.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
      return [output.shape, (encoder.projector.predict(output) as tf.Tensor).shape];
    });
    expect(features).toEqual([2, 2048]);
    expect(embedding).toEqual([2, 32]);
    // BN moving statistics exist but are not trained
    expect(encoder.backbone.nonTrainableWeights.length).toBe(2 * 53);
  });
});
