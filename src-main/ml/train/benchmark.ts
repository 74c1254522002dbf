import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { makeViews } from '../augment/views';
import { gatherImages, type DatasetSplits } from '../data/image-dataset';
import { drawPermutation, type LossFunction } from '../losses/registry';
import { Random } from '../random';
import { timeLoss } from './loss-timing';
import { createTrainingSetup } from './setup';
import { trainStep } from './step';

export interface TrainingBenchmark {
  steps: number;
  medianStepMs: number;
  minStepMs: number;
  /** Images per second (a step sees batchSize images, in two views). */
  imagesPerSecond: number;
  /** Medians of the step's parts. */
  dataMs: number;
  forwardMs: number;
  backwardMs: number;
  /** The loss alone (forward + backward) on embeddings of the step's shape. */
  lossMs: number;
  parameterCount: number;
  /** With `profile`: time per kernel over one extra step, slowest first. */
  kernels?: KernelTime[];
}

/** Total time of one kernel (by name) within a profiled step. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Times real training steps of a configuration (after `warmupSteps` untimed ones): the same
 * setup, views, loss and optimizer as a run, without evaluation or storage.
 */
export async function benchmarkTraining(
  config: RunConfig,
  data: DatasetSplits,
  loss: LossFunction,
  options: { warmupSteps: number; steps: number; profile?: boolean; afterForward?: () => void },
): Promise<TrainingBenchmark> {
  const setup = createTrainingSetup(config, data);
  const { train, pipelines, encoder, optimizer } = setup;
  const batchSize = config.training.batchSize;
  const shape = [batchSize, train.height, train.width, train.channels] as const;
  const random = new Random(config.seed);
  const steps: { stepMs: number; dataMs: number; forwardMs: number; backwardMs: number }[] = [];
  let kernels: KernelTime[] | undefined;
  try {
    const runStep = async () => {
      const start = performance.now();
      const indices = Int32Array.from({ length: batchSize }, () => random.integer(train.count));
      const views = makeViews(gatherImages(train, indices), shape, pipelines, random);
      const dataMs = performance.now() - start;
      const permutation = drawPermutation(config.loss, config.model.projectorOutputDim, random);
      try {
        const result = await trainStep({
          encoder,
          optimizer,
          loss,
          views,
          permutation,
          learningRate: 0.01,
          ...(options.afterForward ? { afterForward: options.afterForward } : {}),
          ...(config.training.microBatchSize === undefined
            ? {}
            : { microBatchSize: config.training.microBatchSize }),
        });
        return {
          stepMs: performance.now() - start,
          dataMs,
          forwardMs: result.forwardMs,
          backwardMs: result.backwardMs,
        };
      } finally {
        tf.dispose(views);
      }
    };
    for (let i = 0; i < options.warmupSteps + options.steps; i++) {
      const timing = await runStep();
      if (i >= options.warmupSteps) steps.push(timing);
    }
    if (options.profile) kernels = await profileKernels(runStep);
  } finally {
    setup.dispose();
  }
  const stepMs = steps.map((step) => step.stepMs);
  const medianStepMs = median(stepMs);
  return {
    steps: steps.length,
    medianStepMs,
    minStepMs: Math.min(...stepMs),
    imagesPerSecond: batchSize / (medianStepMs / 1000),
    dataMs: median(steps.map((step) => step.dataMs)),
    forwardMs: median(steps.map((step) => step.forwardMs)),
    backwardMs: median(steps.map((step) => step.backwardMs)),
    lossMs: await timeLoss(loss, config, Math.max(3, options.steps), Math.max(1, options.warmupSteps)),
    parameterCount: setup.parameterCount,
    ...(kernels ? { kernels } : {}),
  };
}

/** Kernel times of one call of `run`, summed per kernel name, slowest first. */
async function profileKernels(run: () => Promise<unknown>): Promise<KernelTime[]> {
  const info = await tf.profile(async () => {
    await run();
    return [];
  });
  const totals = new Map<string, KernelTime>();
  for (const kernel of info.kernels) {
    const entry = totals.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += Number(kernel.kernelTimeMs) || 0;
    totals.set(kernel.name, entry);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
