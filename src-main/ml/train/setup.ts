import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import type { AugmentationPipeline } from '../augment/pipeline';
import { takeFirst, type DatasetSplits, type ImageDataset } from '../data/image-dataset';
import { clearWorkspace } from '../losses/relaxed/workspace';
import { createEncoder, featureWidth } from '../models/create-encoder';
import type { Encoder } from '../models/mlp-encoder';
import { createOptimizer } from '../optim/create-optimizer';
import type { ParameterOptimizer } from '../optim/parameter-optimizer';
import { viewPipelines, viewSize } from './augmentation';
import { planTraining, type TrainingPlan } from './plan';
import { OnlineProbe } from './probe';

/** Everything a training loop (or a benchmark of one) needs, built from a configuration. */
export interface TrainingSetup {
  train: ImageDataset;
  plan: TrainingPlan;
  pipelines: [AugmentationPipeline, AugmentationPipeline];
  /** Side of the square views the model sees. */
  viewSize: number;
  encoder: Encoder;
  optimizer: ParameterOptimizer;
  /** The online linear probe, when the configuration asks for one. */
  probe: OnlineProbe | null;
  parameterCount: number;
  /** Frees the model and the optimizer state. */
  dispose(): void;
}

export function createTrainingSetup(config: RunConfig, data: DatasetSplits): TrainingSetup {
  const train = takeFirst(data.train, config.dataset.trainLimit ?? data.train.count);
  const plan = planTraining(config, train.count);
  const pipelines = viewPipelines(config, train.channels);
  const size = viewSize(pipelines, train.height);
  const encoder = createEncoder({
    ...config.model,
    inputShape: [size, size, train.channels],
    seed: config.seed,
  });
  const variables = [...encoder.backbone.trainableWeights, ...encoder.projector.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const optimizer = createOptimizer(variables, config.optimizer);
  const { onlineProbe, probeLearningRate } = config.evaluation;
  const probe = onlineProbe
    ? new OnlineProbe(featureWidth(encoder.backbone), Math.max(2, data.classNames.length), probeLearningRate)
    : null;
  return {
    train,
    plan,
    pipelines,
    viewSize: size,
    encoder,
    optimizer,
    probe,
    parameterCount: variables.reduce((sum, variable) => sum + variable.size, 0),
    dispose: () => {
      encoder.backbone.dispose();
      encoder.projector.dispose();
      optimizer.dispose();
      probe?.dispose();
      clearWorkspace(); // the relaxed losses' pooled host buffers
    },
  };
}
