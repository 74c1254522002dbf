import * as tf from '@tensorflow/tfjs';
import { Random } from '../random';
import type { KnnResult } from './knn';

export interface LinearEvaluationOptions {
  classCount: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  /** Epochs after which the learning rate is multiplied by 0.1 (solo-learn: 60 and 80 of 100). */
  decayEpochs: number[];
  seed: number;
  /** Called after every epoch. */
  onEpoch?: (epoch: number, trainLoss: number) => void;
}

/**
 * The linear evaluation protocol on frozen features: a linear classifier (weights + bias) trained
 * with SGD + momentum and step decay on precomputed backbone features, then top-1 / top-5
 * accuracy on the held-out features. Features are standardised with the training statistics
 * (a batch-norm-like fixed scaling, so one learning rate suits every backbone width).
 */
export async function trainLinearClassifier(
  train: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  test: { features: tf.Tensor2D; labels: Int32Array | Uint8Array },
  options: LinearEvaluationOptions,
): Promise<KnnResult & { trainLoss: number }> {
  const [count, width] = train.features.shape;
  if (test.features.shape[1] !== width) {
    throw new Error(
      `trainLinearClassifier: train features have ${width} columns, test features ${test.features.shape[1]}`,
    );
  }
  const { classCount } = options;
  const random = new Random(options.seed);
  const { mean, scale } = tf.tidy(() => {
    const moments = tf.moments(train.features, 0);
    return { mean: moments.mean, scale: tf.sqrt(moments.variance.add(1e-5)) };
  });
  // tf.variable copies its initial value: build it in a tidy so the zeros are freed.
  const zeroVariable = (shape: number[]) => tf.tidy(() => tf.variable(tf.zeros(shape)));
  const weights = zeroVariable([width, classCount]);
  const bias = zeroVariable([classCount]);
  const velocities = [zeroVariable([width, classCount]), zeroVariable([classCount])];
  const trainLabels = tf.tensor1d(Int32Array.from(train.labels), 'int32');
  let trainLoss = NaN;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const decays = options.decayEpochs.filter((at) => epoch >= at).length;
      const learningRate = options.learningRate * 0.1 ** decays;
      const order = random.permutation(count);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start + 1 <= count; start += options.batchSize) {
        const indices = tf.tensor1d(
          order.subarray(start, Math.min(count, start + options.batchSize)),
          'int32',
        );
        const loss = tf.tidy(() => {
          const x = tf.gather(train.features, indices).sub(mean).div(scale);
          const y = tf.oneHot(tf.gather(trainLabels, indices), classCount);
          const { value, grads } = tf.variableGrads(
            () => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, weights).add(bias)) as tf.Scalar,
            [weights, bias],
          );
          [weights, bias].forEach((variable, i) => {
            const gradient = grads[variable.name]!.add(variable.mul(options.weightDecay));
            const velocity = velocities[i]!;
            velocity.assign(velocity.mul(options.momentum).add(gradient));
            variable.assign(variable.sub(velocity.mul(learningRate)));
          });
          return value;
        });
        indices.dispose();
        lossSum += (await loss.data())[0]!;
        loss.dispose();
        batches += 1;
      }
      trainLoss = lossSum / batches;
      options.onEpoch?.(epoch + 1, trainLoss);
    }
    const ranked = tf.tidy(() => {
      const logits = tf.matMul(test.features.sub(mean).div(scale), weights).add(bias);
      return tf.topk(logits, Math.min(5, classCount)).indices;
    });
    const best = (await ranked.array()) as number[][];
    ranked.dispose();
    let top1 = 0;
    let top5 = 0;
    best.forEach((order, row) => {
      const label = test.labels[row]!;
      if (order[0] === label) top1 += 1;
      if (order.includes(label)) top5 += 1;
    });
    const total = test.labels.length;
    return classCount >= 5
      ? { top1: top1 / total, top5: top5 / total, trainLoss }
      : { top1: top1 / total, trainLoss };
  } finally {
    tf.dispose([mean, scale, weights, bias, ...velocities, trainLabels]);
  }
}
