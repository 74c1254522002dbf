import { describe, expect, it } from 'vitest';
import {
  scaleLearningRateByBatch,
  warmupCosineLearningRate,
  warmupStepsFromEpochs,
} from '../../../../src-main/ml/optim/schedule';

describe('warm-up + cosine schedule (solo-learn LinearWarmupCosineAnnealingLR, per step)', () => {
  const schedule = { baseLearningRate: 1.2, totalSteps: 110, warmupSteps: 10 };

  it('starts the warm-up at 3e-5 and reaches the base rate at its last step', () => {
    expect(warmupCosineLearningRate(0, schedule)).toBe(3e-5);
    expect(warmupCosineLearningRate(9, schedule)).toBeCloseTo(1.2, 12);
    expect(warmupCosineLearningRate(5, schedule)).toBeCloseTo(3e-5 + (5 * (1.2 - 3e-5)) / 9, 12);
  });

  it('decays by a half cosine to the minimum', () => {
    expect(warmupCosineLearningRate(10, schedule)).toBeCloseTo(1.2, 12);
    expect(warmupCosineLearningRate(60, schedule)).toBeCloseTo(0.6, 12);
    expect(warmupCosineLearningRate(110, schedule)).toBe(0);
    expect(warmupCosineLearningRate(500, schedule)).toBe(0);
    expect(warmupCosineLearningRate(60, { ...schedule, minLearningRate: 0.2 })).toBeCloseTo(0.7, 12);
    expect(warmupCosineLearningRate(0, { ...schedule, warmupSteps: 0 })).toBe(1.2);
  });

  it('refuses nonsense', () => {
    expect(() => warmupCosineLearningRate(-1, schedule)).toThrow(/step/);
    expect(() => warmupCosineLearningRate(0, { ...schedule, warmupSteps: 200 })).toThrow(/warmupSteps/);
  });

  it('scales the rate by batch / 256 and converts warm-up epochs to steps', () => {
    expect(scaleLearningRateByBatch(0.3, 256)).toBeCloseTo(0.3, 12);
    expect(scaleLearningRateByBatch(0.25, 1024)).toBeCloseTo(1.0, 12);
    expect(warmupStepsFromEpochs(10, 195)).toBe(1950);
    expect(warmupStepsFromEpochs(0.5, 7)).toBe(4);
  });
});
