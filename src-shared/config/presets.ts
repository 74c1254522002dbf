import type { RunConfigInput } from './run-config';

export interface Preset {
  description: string;
  config: RunConfigInput;
}

/**
 * Named starting points. Each is a plain configuration a user can copy, edit and pass back
 * with `train --config FILE`.
 */
export const PRESETS: Record<string, Preset> = {
  quickstart: {
    description:
      'Embedded Fashion-MNIST subset, small MLP encoder, Barlow Twins; a few minutes on a laptop CPU',
    config: {
      name: 'quickstart',
      seed: 0,
      dataset: { source: 'embedded' },
      model: {
        backbone: 'mlp',
        backboneHiddenDim: 256,
        featureDim: 128,
        projectorHiddenDim: 256,
        projectorOutputDim: 256,
      },
      loss: { name: 'bt' },
      optimizer: { name: 'adam', learningRate: 0.001 },
      training: { epochs: 3, batchSize: 128 },
    },
  },
  smoke: {
    description: 'A 20-step run to check that training works on this machine (seconds)',
    config: {
      name: 'smoke',
      dataset: { source: 'embedded', trainLimit: 2048 },
      model: { backboneHiddenDim: 64, featureDim: 32, projectorHiddenDim: 64, projectorOutputDim: 64 },
      loss: { name: 'bt' },
      training: { epochs: 1, batchSize: 64, maxSteps: 20 },
    },
  },
};
