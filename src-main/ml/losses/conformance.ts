import * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '@shared/config/run-config';
import { createLoss } from './registry';

/**
 * Conformance against reference vectors in the schema of shared/fixtures/official-vectors-*.json
 * (spec section 12): every result entry of every case is evaluated with our losses on the
 * current backend (float32) and compared with the reference loss, components and gradients.
 * Nothing here depends on a file's n, d or block sizes.
 */

/** Issue 3 point 3: loss relative error, and each gradient's max |error| relative to its max |value|. */
export const CONFORMANCE_TOLERANCES = {
  lossRelative: 1e-4,
  gradientRelativeToMax: 1e-3,
  /** Components (unscaled terms), relative to max(|reference|, 1e-6). */
  componentRelative: 1e-4,
} as const;

interface FixtureResult {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  loss: number;
  components: Record<string, number>;
  grad_z1: number[][];
  grad_z2: number[][];
}

interface FixtureCase {
  id: string;
  n: number;
  d: number;
  z1: number[][];
  z2: number[][];
  perm: number[];
  results: FixtureResult[];
}

/** Our values for one entry, in the file's layout. */
export interface ConformanceEntry {
  id: string;
  kind: string;
  loss: number;
  components: Record<string, number>;
  grad_z1: number[][];
  grad_z2: number[][];
}

/** One line of the error table. Errors are null where the entry could not be evaluated. */
export interface ConformanceRow {
  caseId: string;
  entryId: string;
  lossRelativeError: number | null;
  gradZ1Error: number | null;
  gradZ2Error: number | null;
  componentsError: number | null;
  pass: boolean;
  /** Why the entry failed to evaluate (unknown kind, malformed entry, loss error). */
  error?: string;
}

export interface ConformanceResult {
  report: {
    meta: Record<string, unknown>;
    cases: { id: string; n: number; d: number; results: ConformanceEntry[] }[];
  };
  rows: ConformanceRow[];
  passed: boolean;
}

/** Fixture component names for our term names. */
const COMPONENT_NAMES: Record<string, string> = {
  onDiagonal: 'on_diag',
  offDiagonal: 'off_diag',
  invariance: 'sim',
  varianceZ1: 'var_z1',
  varianceZ2: 'var_z2',
  covarianceZ1: 'cov_z1',
  covarianceZ2: 'cov_z2',
};

/**
 * Evaluates every result entry of every case of `fixture` (parsed JSON). Throws when the
 * file does not have the schema at all; a single bad entry only fails its row. Reads values
 * back asynchronously: the webgpu backend has no synchronous download in Node.
 */
export async function evaluateConformance(
  fixture: unknown,
  onProgress?: (done: number, total: number, entryId: string) => void,
): Promise<ConformanceResult> {
  const cases = parseCases(fixture);
  const total = cases.reduce((sum, item) => sum + item.results.length, 0);
  const rows: ConformanceRow[] = [];
  const reportCases: ConformanceResult['report']['cases'] = [];
  let done = 0;
  for (const item of cases) {
    const entries: ConformanceEntry[] = [];
    for (const result of item.results) {
      try {
        const entry = await evaluateEntry(item, result);
        entries.push(entry);
        rows.push(compare(item.id, result, entry));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        rows.push({
          caseId: item.id,
          entryId: String(result.id),
          lossRelativeError: null,
          gradZ1Error: null,
          gradZ2Error: null,
          componentsError: null,
          pass: false,
          error: message,
        });
      }
      onProgress?.(++done, total, String(result.id));
    }
    reportCases.push({ id: item.id, n: item.n, d: item.d, results: entries });
  }
  const meta = {
    implementation: 'decorbench src-main/ml/losses (float32)',
    backend: tf.getBackend(),
    tolerances: CONFORMANCE_TOLERANCES,
  };
  return { report: { meta, cases: reportCases }, rows, passed: rows.every((row) => row.pass) };
}

function parseCases(fixture: unknown): FixtureCase[] {
  const cases = (fixture as { cases?: unknown })?.cases;
  if (!Array.isArray(cases) || cases.length === 0)
    throw new Error('loss vectors: expected a top-level "cases" array');
  return cases.map((item: FixtureCase, index) => {
    const where = `case ${index} (${String(item?.id)})`;
    if (!Number.isInteger(item?.n) || !Number.isInteger(item?.d))
      throw new Error(`loss vectors: ${where} needs integer n and d`);
    for (const key of ['z1', 'z2'] as const) {
      const matrix = item[key];
      if (
        !Array.isArray(matrix) ||
        matrix.length !== item.n ||
        matrix.some((row) => !Array.isArray(row) || row.length !== item.d)
      ) {
        throw new Error(`loss vectors: ${where}: ${key} must be an n x d array (${item.n} x ${item.d})`);
      }
    }
    if (!Array.isArray(item.results)) throw new Error(`loss vectors: ${where} has no "results" array`);
    return item;
  });
}

/** The loss configuration and permutation an entry was computed with. */
function entryConfig(
  item: FixtureCase,
  result: FixtureResult,
): { config: LossConfig; permutation: Int32Array | null } {
  const p = result.params ?? {};
  const number = (key: string): number => {
    const value = p[key];
    if (typeof value !== 'number') throw new Error(`params.${key} must be a number`);
    return value;
  };
  const permutation = (): Int32Array | null => {
    if (p.perm === 'none') return null;
    if (p.perm !== 'fixed') throw new Error(`params.perm must be "none" or "fixed", got ${String(p.perm)}`);
    if (!Array.isArray(item.perm)) throw new Error('the case has no "perm" array');
    return Int32Array.from(item.perm);
  };
  switch (result.kind) {
    case 'bt_exact':
      return {
        config: { name: 'bt', lambda: number('lamb'), scale: number('scale_loss') },
        permutation: null,
      };
    case 'vicreg_exact':
      return {
        config: {
          name: 'vicreg',
          simWeight: number('sim_loss_weight'),
          varWeight: number('var_loss_weight'),
          covWeight: number('cov_loss_weight'),
        },
        permutation: null,
      };
    case 'fft_bt':
      return {
        config: {
          name: 'fft-bt',
          lambda: number('lamb'),
          scale: number('scale_loss'),
          q: number('exponent') as 1 | 2,
          blockSize: number('group_size'),
          permutation: 'none',
        },
        permutation: permutation(),
      };
    case 'fft_vicreg':
      return {
        config: {
          name: 'fft-vicreg',
          simWeight: number('sim_loss_weight'),
          varWeight: number('var_loss_weight'),
          covWeight: number('cov_loss_weight'),
          scale: number('scale_loss'),
          q: number('exponent') as 1 | 2,
          blockSize: number('group_size'),
          permutation: 'none',
        },
        permutation: permutation(),
      };
    default:
      throw new Error(`unknown kind '${String(result.kind)}'`);
  }
}

async function evaluateEntry(item: FixtureCase, result: FixtureResult): Promise<ConformanceEntry> {
  const { config, permutation } = entryConfig(item, result);
  const loss = createLoss(config);
  const names: string[] = [];
  const outputs = tf.tidy(() => {
    const z1 = tf.tensor2d(item.z1, [item.n, item.d], 'float32');
    const z2 = tf.tensor2d(item.z2, [item.n, item.d], 'float32');
    const terms: tf.Scalar[] = [];
    const { value: total, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
      const output = loss(a as tf.Tensor2D, b as tf.Tensor2D, { permutation });
      for (const [name, term] of Object.entries(output.terms)) {
        names.push(COMPONENT_NAMES[name] ?? name);
        terms.push(tf.keep(term));
      }
      return output.loss;
    })([z1, z2]);
    return [total, grads[0]!, grads[1]!, ...terms];
  });
  try {
    const [value, gradZ1, gradZ2, ...terms] = await Promise.all([
      outputs[0]!.data(),
      outputs[1]!.array() as Promise<number[][]>,
      outputs[2]!.array() as Promise<number[][]>,
      ...outputs.slice(3).map((term) => term.data()),
    ]);
    const components: Record<string, number> = {};
    names.forEach((name, i) => (components[name] = (terms[i] as Float32Array)[0]!));
    return {
      id: result.id,
      kind: result.kind,
      loss: value[0]!,
      components,
      grad_z1: gradZ1,
      grad_z2: gradZ2,
    };
  } finally {
    tf.dispose(outputs);
  }
}

function compare(caseId: string, reference: FixtureResult, ours: ConformanceEntry): ConformanceRow {
  const lossRelativeError =
    Math.abs(ours.loss - reference.loss) / Math.max(Math.abs(reference.loss), Number.MIN_VALUE);
  const gradZ1Error = gradientError(ours.grad_z1, reference.grad_z1);
  const gradZ2Error = gradientError(ours.grad_z2, reference.grad_z2);
  let componentsError = 0;
  for (const [name, expected] of Object.entries(reference.components ?? {})) {
    const actual = ours.components[name];
    const error =
      actual === undefined ? Infinity : Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-6);
    componentsError = Math.max(componentsError, error);
  }
  const t = CONFORMANCE_TOLERANCES;
  const pass =
    lossRelativeError <= t.lossRelative &&
    gradZ1Error <= t.gradientRelativeToMax &&
    gradZ2Error <= t.gradientRelativeToMax &&
    componentsError <= t.componentRelative;
  return {
    caseId,
    entryId: reference.id,
    lossRelativeError,
    gradZ1Error,
    gradZ2Error,
    componentsError,
    pass,
  };
}

/** max |ours - reference| / max |reference| (Infinity on a shape mismatch). */
function gradientError(ours: number[][], reference: number[][]): number {
  if (!Array.isArray(reference) || reference.length !== ours.length) return Infinity;
  let maxError = 0;
  let maxValue = 0;
  for (let i = 0; i < ours.length; i++) {
    const row = reference[i];
    if (!Array.isArray(row) || row.length !== ours[i]!.length) return Infinity;
    for (let j = 0; j < row.length; j++) {
      maxError = Math.max(maxError, Math.abs(ours[i]![j]! - row[j]!));
      maxValue = Math.max(maxValue, Math.abs(row[j]!));
    }
  }
  return maxValue > 0 ? maxError / maxValue : maxError;
}
