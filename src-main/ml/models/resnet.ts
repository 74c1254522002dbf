import * as tf from '@tensorflow/tfjs';
import { SeedSequence } from './initializers';
import { batchNorm, convolution, globalAveragePool, maxPoolStem, relu } from './layers';

type Symbolic = tf.SymbolicTensor;

export type ResNetDepth = 18 | 50;

export interface ResNetOptions {
  depth: ResNetDepth;
  /** 'imagenet': 7x7/2 conv + 3x3/2 max-pool; 'cifar': 3x3/1 conv, no max-pool (solo-learn). */
  stem: 'imagenet' | 'cifar';
  /** [height, width, channels]; the spatial size may be anything the strides allow. */
  inputShape: [number, number, number];
  seed: number;
}

const STAGE_WIDTHS = [64, 128, 256, 512] as const;
const BLOCKS_PER_STAGE: Record<ResNetDepth, readonly number[]> = { 18: [2, 2, 2, 2], 50: [3, 4, 6, 3] };
const BOTTLENECK_EXPANSION = 4;

interface BlockSpec {
  planes: number;
  strides: number;
  name: string;
  seeds: SeedSequence;
}

/** The 1x1 projection shortcut (conv + BN) that torchvision calls `downsample`. */
function shortcut(x: Symbolic, outChannels: number, spec: BlockSpec): Symbolic {
  const inChannels = x.shape[x.shape.length - 1];
  if (spec.strides === 1 && inChannels === outChannels) return x;
  const projected = convolution(x, {
    filters: outChannels,
    kernelSize: 1,
    strides: spec.strides,
    name: `${spec.name}.downsample.0`,
    seeds: spec.seeds,
  });
  return batchNorm(projected, `${spec.name}.downsample.1`);
}

/** torchvision `BasicBlock`: conv3x3(stride)-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU. */
function basicBlock(x: Symbolic, spec: BlockSpec): Symbolic {
  const { planes, strides, name, seeds } = spec;
  let y = convolution(x, { filters: planes, kernelSize: 3, strides, name: `${name}.conv1`, seeds });
  y = relu(batchNorm(y, `${name}.bn1`), `${name}.relu1`);
  y = convolution(y, { filters: planes, kernelSize: 3, name: `${name}.conv2`, seeds });
  y = batchNorm(y, `${name}.bn2`);
  const sum = tf.layers.add({ name: `${name}.add` }).apply([y, shortcut(x, planes, spec)]) as Symbolic;
  return relu(sum, `${name}.relu2`);
}

/** torchvision `Bottleneck` (ResNet v1.5, stride on the 3x3): 1x1-3x3-1x1 with 4x expansion. */
function bottleneckBlock(x: Symbolic, spec: BlockSpec): Symbolic {
  const { planes, strides, name, seeds } = spec;
  const outChannels = planes * BOTTLENECK_EXPANSION;
  let y = convolution(x, { filters: planes, kernelSize: 1, name: `${name}.conv1`, seeds });
  y = relu(batchNorm(y, `${name}.bn1`), `${name}.relu1`);
  y = convolution(y, { filters: planes, kernelSize: 3, strides, name: `${name}.conv2`, seeds });
  y = relu(batchNorm(y, `${name}.bn2`), `${name}.relu2`);
  y = convolution(y, { filters: outChannels, kernelSize: 1, name: `${name}.conv3`, seeds });
  y = batchNorm(y, `${name}.bn3`);
  const sum = tf.layers.add({ name: `${name}.add` }).apply([y, shortcut(x, outChannels, spec)]) as Symbolic;
  return relu(sum, `${name}.relu3`);
}

/**
 * ResNet-18 (basic blocks) or ResNet-50 (bottlenecks) as in torchvision, without the final fc:
 * the output is the globally average-pooled feature vector (512 or 2048 wide). BN uses
 * PyTorch's defaults and padding matches PyTorch's, so weights can be ported layer by layer
 * (layer names follow torchvision's: `conv1`, `bn1`, `layer2.0.downsample.0`, ...).
 * Trainable parameters: ResNet-18 11,176,512 and ResNet-50 23,508,032 with the ImageNet stem
 * (torchvision's 11,689,512 and 25,557,032 minus the 1000-class fc).
 */
export function createResNet(options: ResNetOptions): tf.LayersModel {
  const seeds = new SeedSequence(options.seed);
  const input = tf.input({ shape: options.inputShape, name: 'images' });
  let x: Symbolic;
  if (options.stem === 'imagenet') {
    x = convolution(input, { filters: 64, kernelSize: 7, strides: 2, name: 'conv1', seeds });
    x = relu(batchNorm(x, 'bn1'), 'relu');
    x = maxPoolStem(x, 'maxpool');
  } else {
    x = convolution(input, { filters: 64, kernelSize: 3, name: 'conv1', seeds });
    x = relu(batchNorm(x, 'bn1'), 'relu');
  }
  const block = options.depth === 18 ? basicBlock : bottleneckBlock;
  BLOCKS_PER_STAGE[options.depth].forEach((blocks, stage) => {
    for (let index = 0; index < blocks; index++) {
      x = block(x, {
        planes: STAGE_WIDTHS[stage] as number,
        strides: stage > 0 && index === 0 ? 2 : 1,
        name: `layer${stage + 1}.${index}`,
        seeds,
      });
    }
  });
  const features = globalAveragePool(x, 'avgpool');
  const name = `resnet${options.depth}${options.stem === 'cifar' ? '-cifar' : ''}`;
  return tf.model({ inputs: input, outputs: features, name });
}
