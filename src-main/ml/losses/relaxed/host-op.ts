import * as tf from '@tensorflow/tfjs';
import type { LossOutput } from '../types';
import type { PairWeights, Summaries } from './summaries';
import { releaseBuffer } from './workspace';

/** Backends whose tensor creation copies the values at once, so the host buffer can be reused. */
const COPYING_BACKENDS = new Set(['wasm']);

/** Gradients from a host kernel. */
export interface HostGradients {
  g1: Float32Array;
  g2: Float32Array;
  /** Views into kernel memory, valid only until the next kernel call (else pooled buffers). */
  transient: boolean;
}

/** A loss computed on the host from the views' data, with its hand-written backward pass. */
export interface HostLossResult {
  loss: number;
  terms: Record<string, number>;
  /**
   * The summaries behind the relaxed off-diagonal term (one per view for VICReg-style, one for
   * BT-style) and their pair weights, so the inspector shows exactly what the loss penalised.
   */
  summaries?: { weights: PairWeights; views: Summaries[] };
  /**
   * dL/dz1, dL/dz2 ([N, d] row-major) for an upstream gradient dy. Called at most once.
   * `reload` downloads z1, z2 again, for kernels that do not keep them.
   */
  backward(dy: number, reload: () => [Float32Array, Float32Array]): HostGradients;
}

/**
 * Wraps a host kernel as a differentiable tfjs op: the forward pass downloads z1, z2 once,
 * the backward pass uploads the two gradients (tf.customGrad). This runs on every backend
 * and keeps tf.spectral, which has no gradients and no fast kernels on the JS backends, out.
 */
export function hostLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  kernel: (z1: Float32Array, z2: Float32Array) => HostLossResult,
): LossOutput {
  const shape = z1.shape;
  let result: HostLossResult | undefined;
  const op = tf.customGrad((...args) => {
    const [a, b] = args as [tf.Tensor, tf.Tensor];
    result = kernel(a.dataSync() as Float32Array, b.dataSync() as Float32Array);
    const computed = result;
    return {
      value: tf.scalar(computed.loss),
      gradFunc: (dy: tf.Tensor) => {
        // the inputs outlive the backward pass in tf.grad / variableGrads (same tidy scope);
        // not `save`d, because on wasm a saved clone copies the data
        const reload = (): [Float32Array, Float32Array] => {
          if (a.isDisposed || b.isDisposed)
            throw new Error('relaxed loss: z1 / z2 were disposed before the backward pass');
          return [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
        };
        const { g1, g2, transient } = computed.backward(dy.dataSync()[0]!, reload);
        const copying = COPYING_BACKENDS.has(tf.getBackend());
        const own = (values: Float32Array) => (transient && !copying ? values.slice() : values);
        const grads = [tf.tensor2d(own(g1), shape), tf.tensor2d(own(g2), shape)];
        if (copying && !transient) {
          releaseBuffer(g1);
          releaseBuffer(g2);
        }
        return grads;
      },
    };
  });
  const loss = op(z1, z2) as tf.Scalar;
  const terms: Record<string, tf.Scalar> = {};
  for (const [name, value] of Object.entries(result!.terms)) terms[name] = tf.scalar(value);
  return { loss, terms };
}
