import { describe, expect, it } from 'vitest';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import { costLossConfig, costStepConfig } from '../../../src-main/workers/cost-job';

const settings = costStudySettingsSchema.parse({
  name: 'step',
  n: 64,
  q: 1,
  permutation: false,
  step: { backbone: 'resnet18-cifar' },
});

describe('what a cost study point measures', () => {
  it('the relaxed losses take the study b, q and permutation; the exact ones their defaults', () => {
    expect(costLossConfig({ kind: 'loss', loss: 'fft-bt', blockSize: 128, d: 512 }, settings)).toMatchObject({
      name: 'fft-bt',
      blockSize: 128,
      q: 1,
      permutation: 'none',
    });
    expect(costLossConfig({ kind: 'loss', loss: 'vicreg', blockSize: null, d: 512 }, settings)).toEqual(
      costLossConfig({ kind: 'loss', loss: 'vicreg', blockSize: null, d: 64 }, settings),
    );
  });

  it('a step trains the backbone on images of its shape with a d x d projector at batch n, or says why it cannot', () => {
    const config = costStepConfig({ kind: 'step', loss: 'bt', blockSize: null, d: 1024 }, settings);
    expect(config).toMatchObject({
      model: { backbone: 'resnet18-cifar', projectorHiddenDim: 1024, projectorOutputDim: 1024 },
      dataset: { source: 'cifar10' },
      training: { batchSize: 64 },
      loss: { name: 'bt' },
    });
    expect(costStepConfig({ kind: 'step', loss: 'bt', blockSize: null, d: 65536 }, settings)).toMatch(
      /^a training run cannot have this step \(model\.projectorHiddenDim: /,
    );
  });
});
