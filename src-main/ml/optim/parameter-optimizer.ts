import * as tf from '@tensorflow/tfjs';

/** Gradients as `tf.variableGrads` returns them (by variable name) or in the optimizer's variable order. */
export type Gradients = tf.NamedTensorMap | readonly (tf.Tensor | null | undefined)[];

/**
 * Everything an optimizer carries between steps, for checkpoints: the step counter and, per
 * slot (e.g. `momentum`), one tensor per variable in the optimizer's variable order.
 */
export interface OptimizerState {
  /** The optimizer kind, e.g. `lars`; `setState` refuses state of another kind. */
  name: string;
  /** Steps taken so far. */
  step: number;
  slots: Record<string, tf.Tensor[]>;
}

/**
 * Base of the optimizers here: explicit per-variable state ("slots") and a step counter, with
 * the learning rate given at every step (schedules are pure functions of the step). Each
 * update is elementwise plus whole-tensor reductions, so nothing here takes a transposed
 * matmul on wasm.
 */
export abstract class ParameterOptimizer {
  /** The optimizer kind, as in the run configuration. */
  abstract readonly name: string;
  private steps = 0;
  private readonly slots: Record<string, tf.Variable[]>;

  protected constructor(
    readonly variables: readonly tf.Variable[],
    slotNames: readonly string[],
  ) {
    const names = new Set<string>();
    for (const variable of variables) {
      if (names.has(variable.name)) throw new Error(`optimizer: variable '${variable.name}' is listed twice`);
      names.add(variable.name);
    }
    this.slots = Object.fromEntries(
      slotNames.map((slot) => [
        slot,
        variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false))),
      ]),
    );
  }

  /** Steps taken so far (also the 1-based index of the last step). */
  get iterations(): number {
    return this.steps;
  }

  /**
   * Applies one update with `learningRate`. Variables without a gradient are left alone, as
   * PyTorch skips parameters whose `.grad` is None. The gradients stay owned by the caller.
   */
  step(gradients: Gradients, learningRate: number): void {
    if (!Number.isFinite(learningRate) || learningRate < 0) {
      throw new Error(`${this.name}: learningRate must be a finite number >= 0, got ${learningRate}`);
    }
    const ordered = this.orderGradients(gradients);
    ordered.forEach((gradient, index) => {
      if (gradient == null) return;
      const variable = this.variables[index] as tf.Variable;
      if (!tf.util.arraysEqual(gradient.shape, variable.shape)) {
        throw new Error(
          `${this.name}: gradient of '${variable.name}' has shape [${gradient.shape}], the variable [${variable.shape}]`,
        );
      }
    });
    this.steps += 1;
    // One tidy per variable, so only one variable's temporaries are alive at a time.
    ordered.forEach((gradient, index) => {
      if (gradient == null) return;
      tf.tidy(() =>
        this.update(
          index,
          this.variables[index] as tf.Variable,
          gradient,
          tf.scalar(learningRate),
          learningRate,
        ),
      );
    });
  }

  /** One variable's update, inside a `tf.tidy`; assign new values with `Variable.assign`. */
  protected abstract update(
    index: number,
    variable: tf.Variable,
    gradient: tf.Tensor,
    learningRate: tf.Scalar,
    learningRateValue: number,
  ): void;

  /** The slot `slot` of variable `index`. */
  protected slot(slot: string, index: number): tf.Variable {
    const variable = this.slots[slot]?.[index];
    if (variable === undefined) throw new Error(`${this.name}: no slot '${slot}' for variable ${index}`);
    return variable;
  }

  /**
   * The current state. The tensors are the optimizer's own (read them, e.g. with `data()`,
   * before the next step; do not dispose them).
   */
  getState(): OptimizerState {
    return { name: this.name, step: this.steps, slots: { ...this.slots } };
  }

  /** Restores a state from `getState` (values are copied; the caller keeps its tensors). */
  setState(state: OptimizerState): void {
    if (state.name !== this.name)
      throw new Error(`${this.name}: cannot restore the state of a '${state.name}' optimizer`);
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new Error(`${this.name}: state step must be an integer >= 0`);
    const expected = Object.keys(this.slots).sort();
    const given = Object.keys(state.slots).sort();
    if (expected.join() !== given.join()) {
      throw new Error(
        `${this.name}: state has slots [${given.join(', ')}], expected [${expected.join(', ')}]`,
      );
    }
    for (const [slot, variables] of Object.entries(this.slots)) {
      const tensors = state.slots[slot] as tf.Tensor[];
      if (tensors.length !== variables.length) {
        throw new Error(
          `${this.name}: slot '${slot}' has ${tensors.length} tensors for ${variables.length} variables`,
        );
      }
      variables.forEach((variable, index) => {
        const tensor = tensors[index] as tf.Tensor;
        if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
          throw new Error(
            `${this.name}: slot '${slot}' of '${this.variables[index]?.name}' has shape [${tensor.shape}], expected [${variable.shape}]`,
          );
        }
      });
    }
    for (const [slot, variables] of Object.entries(this.slots)) {
      variables.forEach((variable, index) =>
        variable.assign((state.slots[slot] as tf.Tensor[])[index] as tf.Tensor),
      );
    }
    this.steps = state.step;
  }

  /** Frees the optimizer's state (not the variables it updates). */
  dispose(): void {
    for (const variables of Object.values(this.slots)) tf.dispose(variables);
  }

  private orderGradients(gradients: Gradients): (tf.Tensor | null | undefined)[] {
    if (Array.isArray(gradients)) {
      if (gradients.length !== this.variables.length) {
        throw new Error(`${this.name}: ${gradients.length} gradients for ${this.variables.length} variables`);
      }
      return [...(gradients as (tf.Tensor | null | undefined)[])];
    }
    const named = gradients as tf.NamedTensorMap;
    const known = new Set(this.variables.map((variable) => variable.name));
    for (const name of Object.keys(named)) {
      if (!known.has(name))
        throw new Error(`${this.name}: gradient for '${name}', which is not one of its variables`);
    }
    return this.variables.map((variable) => named[variable.name]);
  }
}

/** Biases and normalisation weights: the rank-1 parameters (solo-learn's `p.ndim == 1`). */
export function isBiasOrNorm(variable: tf.Variable): boolean {
  return variable.rank === 1;
}
