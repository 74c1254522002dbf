export { BatchNorm } from './batch-norm';
export { batchNormTraining } from './batch-norm-op';
export { createEncoder, featureWidth, type EncoderOptions } from './create-encoder';
export {
  createMlpBackbone,
  createMlpEncoder,
  embed,
  type Encoder,
  type MlpEncoderOptions,
} from './mlp-encoder';
export { createProjector, projectorParameterCount, type ProjectorOptions } from './projector';
export { Relu } from './relu';
export { createResNet, type ResNetDepth, type ResNetOptions } from './resnet';
export { createSmallCnn, type SmallCnnOptions } from './small-cnn';
