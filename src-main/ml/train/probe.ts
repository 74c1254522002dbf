import * as tf from '@tensorflow/tfjs';
import { Sgd } from '../optim/sgd';

/**
 * solo-learn's online linear probe: a linear classifier on the backbone's features, detached
 * from the encoder (its gradient never reaches the backbone), trained with its own SGD
 * alongside pre-training. Its accuracy tells how linearly separable the features are, step by
 * step, for the price of one small matmul.
 */
export class OnlineProbe {
  readonly weights: tf.Variable;
  readonly bias: tf.Variable;
  readonly optimizer: Sgd;

  constructor(
    featureWidth: number,
    readonly classCount: number,
    readonly learningRate: number,
  ) {
    this.weights = tf.tidy(() => tf.variable(tf.zeros([featureWidth, classCount]), true, 'probe/weights'));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([classCount]), true, 'probe/bias'));
    this.optimizer = new Sgd([this.weights, this.bias], { momentum: 0.9, weightDecay: 0 });
  }

  get variables(): tf.Variable[] {
    return [this.weights, this.bias];
  }

  logits(features: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(features, this.weights).add(this.bias);
  }

  /**
   * One SGD step of the probe on `features` (a plain tensor, outside the encoder's gradient tape,
   * so nothing flows back into the backbone); returns how many predictions were right.
   */
  async train(features: tf.Tensor2D, labels: Int32Array): Promise<number> {
    const targets = tf.tensor1d(labels, 'int32');
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = this.logits(features);
      correct = tf.keep(tf.equal(tf.argMax(logits, 1), targets).sum() as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, this.classCount), logits) as tf.Scalar;
    }, this.variables);
    try {
      this.optimizer.step(grads, this.learningRate);
      return (await correct!.data())[0]!;
    } finally {
      tf.dispose([value, targets, correct!, ...Object.values(grads)]);
    }
  }

  /** Top-1 accuracy on held-out features (inference). */
  async accuracy(features: tf.Tensor2D, labels: Int32Array | Uint8Array): Promise<number> {
    const predictions = tf.tidy(() => tf.argMax(this.logits(features), 1));
    const predicted = await predictions.data();
    predictions.dispose();
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct += 1;
    return correct / labels.length;
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.weights, this.bias]);
  }
}
