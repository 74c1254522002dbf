import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, featureWidth } from '../../../../src-main/ml/models/create-encoder';
import { createMlpEncoder } from '../../../../src-main/ml/models/mlp-encoder';
import { createProjector, projectorParameterCount } from '../../../../src-main/ml/models/projector';
import { convolution } from '../../../../src-main/ml/models/layers';
import { SeedSequence } from '../../../../src-main/ml/models/initializers';
import { createResNet } from '../../../../src-main/ml/models/resnet';
import { createSmallCnn } from '../../../../src-main/ml/models/small-cnn';
import { trainableParameters } from './count';

const models: tf.LayersModel[] = [];
const keep = <T extends tf.LayersModel>(model: T): T => {
  models.push(model);
  return model;
};

describe('backbones and projector', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterEach(() => {
    models.splice(0).forEach((model) => model.dispose());
  });

  it('small CNN: 28x28x1 -> 128 features through 32-64-128 conv blocks and two pools', () => {
    const model = keep(createSmallCnn({ inputShape: [28, 28, 1], seed: 3 }));
    expect(model.getLayer('block1.relu').outputShape).toEqual([null, 28, 28, 32]);
    expect(model.getLayer('block2.relu').outputShape).toEqual([null, 14, 14, 64]);
    expect(model.getLayer('block3.relu').outputShape).toEqual([null, 7, 7, 128]);
    // 3*3*(1*32 + 32*64 + 64*128) conv weights + 2*(32+64+128) BN weights
    expect(trainableParameters(model)).toBe(9 * (32 + 32 * 64 + 64 * 128) + 2 * (32 + 64 + 128));
    const features = tf.tidy(() => (model.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor).shape);
    expect(features).toEqual([2, 128]);
    expect(() => createSmallCnn({ inputShape: [3, 3, 1], seed: 1 })).toThrow(/createSmallCnn: inputShape/);
  });

  it('ResNet-18 CIFAR: 3x3 stem without max-pool keeps 32x32 until layer2', () => {
    const model = keep(createResNet({ depth: 18, stem: 'cifar', inputShape: [32, 32, 3], seed: 1 }));
    expect(model.getLayer('layer1.1.relu2').outputShape).toEqual([null, 32, 32, 64]);
    expect(model.getLayer('layer4.1.relu2').outputShape).toEqual([null, 4, 4, 512]);
    // the ImageNet count with a 3x3x3x64 stem instead of 7x7x3x64
    expect(trainableParameters(model)).toBe(11_176_512 - 7 * 7 * 3 * 64 + 3 * 3 * 3 * 64);
    expect(featureWidth(model)).toBe(512);
  });

  it('ResNet-18 ImageNet: spatial sizes follow PyTorch for an odd input (65 -> 33 -> 17 -> 9 -> 5 -> 3)', () => {
    const model = keep(createResNet({ depth: 18, stem: 'imagenet', inputShape: [65, 65, 3], seed: 1 }));
    expect(model.getLayer('conv1').outputShape).toEqual([null, 33, 33, 64]);
    expect(model.getLayer('maxpool').outputShape).toEqual([null, 17, 17, 64]);
    expect(model.getLayer('layer2.0.downsample.0').outputShape).toEqual([null, 9, 9, 128]);
    expect(model.getLayer('layer3.1.relu2').outputShape).toEqual([null, 5, 5, 256]);
    expect(model.getLayer('layer4.1.relu2').outputShape).toEqual([null, 3, 3, 512]);
  });

  it('pads strided convolutions like PyTorch (one row and column of zeros before, not only after)', () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const output = convolution(input, {
      filters: 1,
      kernelSize: 3,
      strides: 2,
      name: 'probe',
      seeds: new SeedSequence(0),
    });
    const model = keep(tf.model({ inputs: input, outputs: output }));
    tf.tidy(() => {
      model.getLayer('probe').setWeights([tf.ones([3, 3, 1, 1])]);
      const image = tf.range(0, 16).reshape([1, 4, 4, 1]);
      // PyTorch (padding 1): out[i, j] sums x over rows 2i-1..2i+1 and columns 2j-1..2j+1, so
      // out[0, 0] = 0+1+4+5; tfjs 'same' would pad only after and give 0+1+2+4+5+6+8+9+10 = 45
      const result = (model.predict(image) as tf.Tensor).reshape([2, 2]).arraySync();
      expect(result).toEqual([
        [10, 24],
        [51, 90],
      ]);
    });
  });

  it('projector: Linear-BN-ReLU-Linear-BN-ReLU-Linear with PyTorch-style init', () => {
    const projector = keep(createProjector({ inputDim: 128, hiddenDim: 64, outputDim: 256, seed: 2 }));
    expect(projector.layers.map((layer) => layer.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'BatchNormalization',
      'ReLU',
      'Dense',
      'BatchNormalization',
      'ReLU',
      'Dense',
    ]);
    expect(trainableParameters(projector)).toBe(projectorParameterCount(128, 64, 256));
    expect(projectorParameterCount(128, 64, 256)).toBe(
      128 * 64 + 64 + 2 * 64 + 64 * 64 + 64 + 2 * 64 + 64 * 256 + 256,
    );
    const kernel = projector.getLayer('projector.0').getWeights()[0]!;
    expect(tf.max(tf.abs(kernel)).dataSync()[0]).toBeLessThanOrEqual(1 / Math.sqrt(128));
    expect(() => createProjector({ inputDim: 512, hiddenDim: 32768, outputDim: 32768, seed: 1 })).toThrow(
      /createProjector: 512->32768->32768->32768 has \d+ parameters/,
    );
  });

  it('createEncoder builds every backbone with a matching projector, reproducibly from the seed', () => {
    const options = { projectorHiddenDim: 32, projectorOutputDim: 48, seed: 7 };
    const shapes = {
      mlp: [28, 28, 1],
      'small-cnn': [28, 28, 1],
      'resnet18-cifar': [32, 32, 3],
      resnet18: [64, 64, 3],
    } as const;
    // resnet50 is built once, in resnet.test.ts
    const widths = { mlp: 128, 'small-cnn': 128, 'resnet18-cifar': 512, resnet18: 512 };
    for (const [backbone, inputShape] of Object.entries(shapes) as [
      keyof typeof shapes,
      [number, number, number],
    ][]) {
      const encoder = createEncoder({ backbone, inputShape, ...options });
      keep(encoder.backbone);
      keep(encoder.projector);
      expect(featureWidth(encoder.backbone), backbone).toBe(widths[backbone]);
      const shape = tf.tidy(() => {
        const features = encoder.backbone.predict(tf.zeros([2, ...inputShape])) as tf.Tensor;
        return (encoder.projector.predict(features) as tf.Tensor).shape;
      });
      expect(shape, backbone).toEqual([2, 48]);
    }
    const first = createEncoder({ backbone: 'small-cnn', inputShape: [28, 28, 1], ...options });
    const second = createEncoder({ backbone: 'small-cnn', inputShape: [28, 28, 1], ...options });
    const other = createEncoder({ backbone: 'small-cnn', inputShape: [28, 28, 1], ...options, seed: 8 });
    [first, second, other].forEach((encoder) => models.push(encoder.backbone, encoder.projector));
    const weights = (model: tf.LayersModel) =>
      model.getWeights().map((weight) => Array.from(weight.dataSync()));
    expect(weights(second.backbone)).toEqual(weights(first.backbone));
    expect(weights(second.projector)).toEqual(weights(first.projector));
    expect(weights(other.backbone)).not.toEqual(weights(first.backbone));
  });

  it('keeps the foundation API: createMlpEncoder', () => {
    const encoder = createMlpEncoder({
      inputShape: [28, 28, 1],
      backboneHiddenDim: 64,
      featureDim: 32,
      projectorHiddenDim: 16,
      projectorOutputDim: 24,
      seed: 1,
    });
    keep(encoder.backbone);
    keep(encoder.projector);
    expect(featureWidth(encoder.backbone)).toBe(32);
    expect(encoder.projector.outputs[0]!.shape).toEqual([null, 24]);
  });

  it('saves and loads as a tf.LayersModel (model.save / tf.loadLayersModel)', async () => {
    const model = keep(createResNet({ depth: 18, stem: 'cifar', inputShape: [16, 16, 3], seed: 4 }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = keep(await tf.loadLayersModel(tf.io.fromMemory(artifacts!)));
    const [expected, actual] = tf.tidy(() => {
      const images = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 5);
      return [model.predict(images) as tf.Tensor, loaded.predict(images) as tf.Tensor].map((t) =>
        Array.from(t.dataSync()),
      );
    });
    expect(actual).toEqual(expected);
    expect(trainableParameters(loaded)).toBe(trainableParameters(model));
  });
});
