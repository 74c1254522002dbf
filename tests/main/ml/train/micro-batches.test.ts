import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { createEncoder } from '../../../../src-main/ml/models/create-encoder';
import { microBatchGradients } from '../../../../src-main/ml/train/micro-batches';

const loss = createLoss({ name: 'bt', lambda: 0.0051, scale: 0.024 });

function encoder() {
  return createEncoder({
    backbone: 'small-cnn',
    inputShape: [12, 12, 1],
    projectorHiddenDim: 32,
    projectorOutputDim: 32,
    seed: 3,
  });
}

async function values(map: tf.NamedTensorMap, names: string[]): Promise<Float32Array[]> {
  return Promise.all(names.map(async (name) => Float32Array.from(await map[name]!.data())));
}

describe('gradients in micro-batches (gradient cache)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('equals taped gradients of the same micro-batched forward, updates batch-norm statistics once, leaks nothing', async () => {
    const views = [
      tf.randomNormal([16, 12, 12, 1], 0, 1, 'float32', 1),
      tf.randomNormal([16, 12, 12, 1], 0, 1, 'float32', 2),
    ] as [tf.Tensor4D, tf.Tensor4D];
    const reference = encoder();
    const variables = [...reference.backbone.trainableWeights, ...reference.projector.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
    const halves = (view: tf.Tensor4D) => [
      view.slice([0, 0, 0, 0], [8, -1, -1, -1]),
      view.slice([8, 0, 0, 0], [8, -1, -1, -1]),
    ];
    // The same order as the gradient cache: per micro-batch, view 1 then view 2.
    const embedBoth = (model: typeof reference) => {
      const parts = [0, 1].map((chunk) =>
        views.map((view) => {
          const part = halves(view)[chunk]!;
          return model.projector.apply(model.backbone.apply(part, { training: true }), {
            training: true,
          }) as tf.Tensor2D;
        }),
      );
      return [tf.concat(parts.map((pair) => pair[0]!)), tf.concat(parts.map((pair) => pair[1]!))] as const;
    };
    const expected = tf.variableGrads(() => {
      const [z1, z2] = embedBoth(reference);
      return loss(z1, z2).loss;
    }, variables);
    const expectedStatistics = await Promise.all(
      reference.backbone.nonTrainableWeights.map(async (w) => Float32Array.from(await w.read().data())),
    );

    const tested = encoder();
    const testedVariables = [...tested.backbone.trainableWeights, ...tested.projector.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
    const before = tf.memory().numTensors;
    let forwardPasses = 0;
    const result = microBatchGradients(tested, loss, views, null, 8, testedVariables, false, () => {
      forwardPasses++;
    });
    expect(forwardPasses).toBe(2); // the hook between forward and backward, once per micro-batch
    expect(await result.value.data()).toEqual(await expected.value.data());
    const names = (list: tf.Variable[]) => list.map((v) => v.name);
    const [want, got] = [
      await values(expected.grads, names(variables)),
      await values(result.grads, names(testedVariables)),
    ];
    // Same math in another order: float32 round-off only (relative L2 error per variable).
    got.forEach((gradient, i) => {
      const norm = Math.hypot(...want[i]!);
      const error = Math.hypot(...gradient.map((value, j) => value - want[i]![j]!));
      // (the last bias has no true gradient: the loss standardises it away; its values are noise)
      expect(error).toBeLessThan(1e-3 * norm + 1e-6);
    });
    const statistics = await Promise.all(
      tested.backbone.nonTrainableWeights.map(async (w) => Float32Array.from(await w.read().data())),
    );
    statistics.forEach((values, i) =>
      values.forEach((value, j) => expect(value).toBeCloseTo(expectedStatistics[i]![j]!, 5)),
    );
    tf.dispose([result.value, ...Object.values(result.terms), ...Object.values(result.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([expected.value, ...Object.values(expected.grads), ...views]);
    for (const model of [reference, tested]) {
      model.backbone.dispose();
      model.projector.dispose();
    }
  });
});
