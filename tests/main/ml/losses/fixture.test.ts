import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateConformance } from '../../../../src-main/ml/losses/conformance';
import { BACKENDS, useBackend } from './helpers';

const fixturePath = resolve(import.meta.dirname, '../../../fixtures/official-vectors-n16-d48.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { cases: { results: unknown[] }[] };

describe.each(BACKENDS)('authors reference vectors on %s (float32)', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => useBackend('cpu'));

  it('reproduces every entry: loss rel err <= 1e-4, gradients <= 1e-3 x max, components <= 1e-4', async () => {
    const result = await evaluateConformance(fixture);
    const expectedEntries = fixture.cases.reduce((sum, item) => sum + item.results.length, 0);
    expect(result.rows).toHaveLength(expectedEntries);
    const failures = result.rows.filter((row) => !row.pass);
    expect(failures).toEqual([]);
    for (const row of result.rows) {
      expect(row.lossRelativeError).toBeLessThanOrEqual(1e-4);
      expect(row.gradZ1Error).toBeLessThanOrEqual(1e-3);
      expect(row.gradZ2Error).toBeLessThanOrEqual(1e-3);
    }
    expect(result.report.cases[0]!.results[0]!.grad_z1).toHaveLength(
      (fixture.cases[0] as unknown as { n: number }).n,
    );
  });

  it('fails an entry whose reference value is off', async () => {
    const tampered = structuredClone(fixture) as { cases: { results: { loss: number }[] }[] };
    tampered.cases[0]!.results[0]!.loss *= 1.01;
    const result = await evaluateConformance(tampered);
    expect(result.passed).toBe(false);
    expect(result.rows.filter((row) => !row.pass)).toHaveLength(1);
  });
});
