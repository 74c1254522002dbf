import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '@shared/config/run-config';
import { CHECKPOINT_FORMAT, type CheckpointContents, type NamedTensorData } from '../checkpoint/format';
import type { OptimizerState } from '../optim/parameter-optimizer';
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
  /** Scalars the loop carries, e.g. the best kNN accuracy so far and the initial one. */
  results: Record<string, number>;
}

/** The model's variables in a fixed order, with names that say which model they belong to. */
function modelWeights(setup: TrainingSetup): { name: string; weight: tf.LayerVariable }[] {
  return (['backbone', 'projector'] as const).flatMap((part) =>
    setup.encoder[part].weights.map((weight, index) => ({
      name: `${part}/${index}/${weight.originalName}`,
      weight,
    })),
  );
}

async function tensorData(name: string, tensor: tf.Tensor): Promise<NamedTensorData> {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const data = (await tensor.data()) as Float32Array | Int32Array;
  return {
    name,
    dtype,
    shape: [...tensor.shape],
    data: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data),
  };
}

/** Everything to continue this run later: weights (batch-norm statistics included), optimizer, loop. */
export async function captureCheckpoint(
  setup: TrainingSetup,
  loop: LoopState,
  config: RunConfig,
): Promise<CheckpointContents> {
  const tensors: NamedTensorData[] = [];
  for (const { name, weight } of modelWeights(setup))
    tensors.push(await tensorData(`model/${name}`, weight.read()));
  const optimizer = setup.optimizer.getState();
  for (const [slot, values] of Object.entries(optimizer.slots)) {
    for (const [index, value] of values.entries())
      tensors.push(await tensorData(`optimizer/${slot}/${index}`, value));
  }
  tensors.push({
    name: 'loop/order',
    dtype: 'int32',
    shape: [loop.order.length],
    data: Int32Array.from(loop.order),
  });
  return {
    meta: {
      format: CHECKPOINT_FORMAT,
      step: loop.step,
      epoch: Math.ceil(loop.step / setup.plan.stepsPerEpoch),
      optimizer: { name: optimizer.name, step: optimizer.step, slots: Object.keys(optimizer.slots) },
      random: loop.random.state,
      augmentRandom: loop.augmentRandom.state,
      results: loop.results,
      config,
    },
    tensors,
  };
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
 * state to continue from. Fails, changing nothing, when shapes or names do not match.
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
  const weights = modelWeights(setup).map(({ name, weight }) => ({
    weight,
    data: take(`model/${name}`, weight.shape as number[]),
  }));
  const meta = contents.meta as {
    optimizer: { name: string; step: number; slots: string[] };
    random: GeneratorState;
    augmentRandom: GeneratorState;
    results?: Record<string, number>;
  };
  const variables = setup.optimizer.variables;
  const slots = Object.fromEntries(
    meta.optimizer.slots.map((slot) => [
      slot,
      variables.map((variable, index) => take(`optimizer/${slot}/${index}`, variable.shape)),
    ]),
  );
  const order = byName.get('loop/order');
  if (!order) throw new Error("The checkpoint lacks the loop's sample order");
  tf.tidy(() => {
    for (const { weight, data } of weights) weight.write(tf.tensor(data.data, data.shape, data.dtype));
    const state: OptimizerState = {
      name: meta.optimizer.name,
      step: meta.optimizer.step,
      slots: Object.fromEntries(
        Object.entries(slots).map(([slot, values]) => [
          slot,
          values.map((value) => tf.tensor(value.data, value.shape, value.dtype)),
        ]),
      ),
    };
    setup.optimizer.setState(state);
  });
  return {
    step: checkpointStep(contents),
    order: Int32Array.from(order.data),
    random: new Random(meta.random),
    augmentRandom: new Random(meta.augmentRandom),
    results: { ...(meta.results ?? {}) },
  };
}
