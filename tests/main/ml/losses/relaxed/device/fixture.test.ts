import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../../src-main/compute/backend';
import { evaluateConformance } from '../../../../../../src-main/ml/losses/conformance';
import { useSoftwareVulkan } from '../../../../../helpers/webgpu';

// the shared fixture (spec section 12): every entry, exact and relaxed, on the software GPU
const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../../../fixtures/official-vectors-n16-d48.json'), 'utf8'),
) as {
  cases: { results: { id: string; loss: number }[] }[];
};

describe('authors reference vectors on webgpu (float32)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  // webgpu has no synchronous download in Node, so a relaxed entry passes only on the device path
  it('reproduces every entry within the conformance tolerances', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const result = await evaluateConformance(fixture);
    const expected = fixture.cases.reduce((sum, item) => sum + item.results.length, 0);
    expect(result.rows).toHaveLength(expected);
    expect(result.rows.filter((row) => !row.pass)).toEqual([]);
  }, 180_000); // SwiftShader compiles a few dozen shaders; slow on a loaded machine
});
