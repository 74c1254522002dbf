export { Adam, AdamW, type AdamOptions } from './adam';
export { createOptimizer, type OptimizerSettings } from './create-optimizer';
export { Lars, type LarsOptions } from './lars';
export { isBiasOrNorm, ParameterOptimizer, type Gradients, type OptimizerState } from './parameter-optimizer';
export {
  scaleLearningRateByBatch,
  warmupCosineLearningRate,
  warmupStepsFromEpochs,
  type WarmupCosineSchedule,
} from './schedule';
export { Sgd, type SgdOptions } from './sgd';
