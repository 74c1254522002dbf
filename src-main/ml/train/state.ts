import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { CHECKPOINT_FORMAT, type CheckpointContents, type NamedTensorData } from '../checkpoint/format';
import type { OptimizerState, ParameterOptimizer } from '../optim/parameter-optimizer';
import { Random } from '../random';
import type { TrainingSetup } from './setup';

type GeneratorState = [number, number, number, number];

/** Where the training loop is: with the model and optimizer, all a checkpoint must restore. */
export interface LoopState {
  /** Steps done. */
  step: number;
  /** This epoch's sample order (drawn at the epoch's start). */
  order: Int32Array;
  random: Random;
  augmentRandom: Random;
  /** Scalars the loop carries, e.g. the initial kNN accuracy. */
  results: Record<string, number>;
  /** The online probe's right predictions and samples so far this epoch. */
  probe: { correct: number; seen: number };
  /** The last step's feature permutation (not checkpointed: the inspector's snapshots record it). */
  lastPermutation?: Int32Array | null;
}

/** A new run's loop: generators from the seed, the first epoch's order. */
export function freshLoop(config: RunConfig, trainCount: number): LoopState {
  const random = new Random(config.seed);
  const augmentRandom = random.fork();
  return {
    step: 0,
    order: random.permutation(trainCount),
    random,
    augmentRandom,
    results: {},
    probe: { correct: 0, seen: 0 },
  };
}

/** A variable of the model or the probe, read and written the same way. */
interface StateVariable {
  name: string;
  shape: readonly number[];
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

interface SavedOptimizer {
  name: string;
  step: number;
  slots: string[];
}

interface CheckpointMeta {
  step: number;
  optimizers: Record<string, SavedOptimizer>;
  random: GeneratorState;
  augmentRandom: GeneratorState;
  results?: Record<string, number>;
  probe?: { correct: number; seen: number };
}

/**
 * Every variable a checkpoint holds, in a fixed order, named by where it belongs: the layers'
 * weights (batch-norm statistics included) as `model/<part>/<index>/<name>`, then the probe's.
 */
function stateVariables(setup: TrainingSetup): StateVariable[] {
  const layers = (['backbone', 'projector'] as const).flatMap((part) =>
    setup.encoder[part].weights.map((weight, index) => ({
      name: `model/${part}/${index}/${weight.originalName}`,
      shape: weight.shape as number[],
      read: () => weight.read(),
      write: (value: tf.Tensor) => weight.write(value),
    })),
  );
  const probe = (setup.probe?.variables ?? []).map((variable) => ({
    name: `model/${variable.name}`,
    shape: variable.shape,
    read: () => variable as tf.Tensor,
    write: (value: tf.Tensor) => variable.assign(value),
  }));
  return [...layers, ...probe];
}

/** The optimizers whose state a checkpoint carries, by name prefix. */
function stateOptimizers(setup: TrainingSetup): { prefix: string; optimizer: ParameterOptimizer }[] {
  return [
    { prefix: 'optimizer', optimizer: setup.optimizer },
    ...(setup.probe ? [{ prefix: 'probe-optimizer', optimizer: setup.probe.optimizer }] : []),
  ];
}

async function tensorData(name: string, tensor: tf.Tensor): Promise<NamedTensorData> {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const data = (await tensor.data()) as Float32Array | Int32Array;
  const copy = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
  return { name, dtype, shape: [...tensor.shape], data: copy };
}

/** Everything to continue this run later: weights, optimizer states, generator states, data order. */
export async function captureCheckpoint(
  setup: TrainingSetup,
  loop: LoopState,
  config: RunConfig,
): Promise<CheckpointContents> {
  const tensors: NamedTensorData[] = [];
  for (const variable of stateVariables(setup))
    tensors.push(await tensorData(variable.name, variable.read()));
  const optimizers: Record<string, SavedOptimizer> = {};
  for (const { prefix, optimizer } of stateOptimizers(setup)) {
    const state = optimizer.getState();
    optimizers[prefix] = { name: state.name, step: state.step, slots: Object.keys(state.slots) };
    for (const [slot, values] of Object.entries(state.slots)) {
      for (const [index, value] of values.entries()) {
        tensors.push(await tensorData(`${prefix}/${slot}/${index}`, value));
      }
    }
  }
  tensors.push({
    name: 'loop/order',
    dtype: 'int32',
    shape: [loop.order.length],
    data: Int32Array.from(loop.order),
  });
  const meta: CheckpointMeta & Record<string, unknown> = {
    format: CHECKPOINT_FORMAT,
    step: loop.step,
    epoch: Math.ceil(loop.step / setup.plan.stepsPerEpoch),
    optimizers,
    random: loop.random.state,
    augmentRandom: loop.augmentRandom.state,
    results: loop.results,
    probe: loop.probe,
    config,
  };
  return { meta, tensors };
}

/** The step a checkpoint was taken at. */
export function checkpointStep(contents: CheckpointContents): number {
  const step = contents.meta.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0)
    throw new Error('The checkpoint has no valid step');
  return step;
}

/**
 * Loads a checkpoint into a freshly built setup of the same configuration and returns the loop
 * state to continue from. Everything is checked before anything is written, so a mismatching
 * checkpoint changes nothing.
 */
export function restoreCheckpoint(setup: TrainingSetup, contents: CheckpointContents): LoopState {
  const byName = new Map(contents.tensors.map((tensor) => [tensor.name, tensor]));
  const take = (name: string, shape: readonly number[]): NamedTensorData => {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`The checkpoint lacks '${name}'; it was made by a different configuration`);
    if (!tf.util.arraysEqual(tensor.shape, [...shape])) {
      throw new Error(`The checkpoint's '${name}' has shape [${tensor.shape}], the model [${shape}]`);
    }
    return tensor;
  };
  const meta = contents.meta as unknown as CheckpointMeta;
  const step = checkpointStep(contents);
  const weights = stateVariables(setup).map((variable) => ({
    variable,
    data: take(variable.name, variable.shape),
  }));
  const optimizers = stateOptimizers(setup).map(({ prefix, optimizer }) => {
    const saved = meta.optimizers?.[prefix];
    if (!saved)
      throw new Error(
        `The checkpoint lacks the state of '${prefix}'; it was made by a different configuration`,
      );
    const slots = saved.slots.map((slot) => ({
      slot,
      values: optimizer.variables.map((variable, index) =>
        take(`${prefix}/${slot}/${index}`, variable.shape),
      ),
    }));
    return { optimizer, saved, slots };
  });
  const order = byName.get('loop/order');
  if (!order) throw new Error("The checkpoint lacks the loop's sample order");
  tf.tidy(() => {
    for (const { variable, data } of weights) variable.write(tf.tensor(data.data, data.shape, data.dtype));
    for (const { optimizer, saved, slots } of optimizers) {
      const state: OptimizerState = {
        name: saved.name,
        step: saved.step,
        slots: Object.fromEntries(
          slots.map(({ slot, values }) => [
            slot,
            values.map((value) => tf.tensor(value.data, value.shape, value.dtype)),
          ]),
        ),
      };
      optimizer.setState(state);
    }
  });
  return {
    step,
    order: Int32Array.from(order.data),
    random: new Random(meta.random),
    augmentRandom: new Random(meta.augmentRandom),
    results: { ...(meta.results ?? {}) },
    probe: { ...(meta.probe ?? { correct: 0, seen: 0 }) },
  };
}
