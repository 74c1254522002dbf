import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../../src-main/compute/backend';
import { evaluateConformance } from '../../../../../../src-main/ml/losses/conformance';
import { useSoftwareVulkan } from '../../../../../helpers/webgpu';

// the shared fixture (spec section 12): every entry, exact and relaxed, on the software GPU
const fixture = JSON.parse(readFileSync('/work/shared/fixtures/official-vectors-n16-d48.json', 'utf8')) as {
  cases: { results: { id: string; loss: number }[] }[];
};

describe('authors reference vectors on webgpu (float32)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  it('reproduces every entry within the conformance tolerances, without downloads', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const result = await evaluateConformance(fixture);
    const expected = fixture.cases.reduce((sum, item) => sum + item.results.length, 0);
    expect(result.rows).toHaveLength(expected);
    for (const row of result.rows)
      console.log(row.entryId, row.lossRelativeError, row.gradZ1Error, row.gradZ2Error, row.componentsError);
    expect(result.rows.filter((row) => !row.pass)).toEqual([]);
  }, 180_000); // SwiftShader compiles a few dozen shaders; slow on a loaded machine
});
