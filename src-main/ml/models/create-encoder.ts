import type * as tf from '@tensorflow/tfjs';
import type { BackboneName } from '@shared/config/run-config';
import { createMlpBackbone, type Encoder } from './mlp-encoder';
import { createProjector } from './projector';
import { createResNet } from './resnet';
import { createSmallCnn } from './small-cnn';

export interface EncoderOptions {
  backbone: BackboneName;
  /** [height, width, channels] of the images the backbone sees (after cropping). */
  inputShape: [number, number, number];
  /** Hidden width h of the projector. */
  projectorHiddenDim: number;
  /** Embedding dimension d. */
  projectorOutputDim: number;
  /** Seed of all initial weights (backbone and projector). */
  seed: number;
  /** MLP backbone only: hidden width (default 256). */
  backboneHiddenDim?: number;
  /** MLP backbone only: feature width (default 128). */
  featureDim?: number;
  /** Largest projector allowed, in trainable parameters (see `createProjector`). */
  maxProjectorParameters?: number;
}

function createBackbone(options: EncoderOptions): tf.LayersModel {
  const { inputShape, seed } = options;
  switch (options.backbone) {
    case 'mlp':
      return createMlpBackbone({
        inputShape,
        hiddenDim: options.backboneHiddenDim ?? 256,
        featureDim: options.featureDim ?? 128,
        seed,
      });
    case 'small-cnn':
      return createSmallCnn({ inputShape, seed });
    case 'resnet18-cifar':
      return createResNet({ depth: 18, stem: 'cifar', inputShape, seed });
    case 'resnet18':
      return createResNet({ depth: 18, stem: 'imagenet', inputShape, seed });
    case 'resnet50':
      return createResNet({ depth: 50, stem: 'imagenet', inputShape, seed });
  }
}

/** Width of the backbone's feature vector (its output's last dimension). */
export function featureWidth(backbone: tf.LayersModel): number {
  const shape = backbone.outputs[0]?.shape;
  const width = shape?.[shape.length - 1];
  if (typeof width !== 'number')
    throw new Error(`featureWidth: backbone '${backbone.name}' has no fixed feature width`);
  return width;
}

/**
 * Builds a backbone and the spec's projector for it, reproducibly from `seed`:
 * 'mlp' (the foundation's), 'small-cnn' (28x28 images), 'resnet18-cifar' (3x3 stem, no max-pool),
 * 'resnet18' and 'resnet50' (ImageNet stem). Both are `tf.LayersModel`s, so `model.save` and
 * `tf.loadLayersModel` work on them.
 */
export function createEncoder(options: EncoderOptions): Encoder {
  const backbone = createBackbone(options);
  const projector = createProjector({
    inputDim: featureWidth(backbone),
    hiddenDim: options.projectorHiddenDim,
    outputDim: options.projectorOutputDim,
    seed: options.seed + 1,
    maxParameters: options.maxProjectorParameters,
  });
  return { backbone, projector };
}
