import { describe, expect, it } from 'vitest';
import { butterflyWgsl, f32Literal } from '../../../../../src-main/compute/webgpu-kernels/fft/butterfly';
import { randomValues, referenceDft } from './reference';

/**
 * Runs the generated WGSL statements in float64: each vec2 `let` becomes a JS pair. The generator
 * only emits sums of values (times literals), negation, the two quarter-turn swaps and cmul by a
 * literal, so component-wise substitution is enough.
 */
function evaluate(lines: string[], outputs: string[], inputs: number[][]): number[][] {
  const component = (expression: string, c: 0 | 1): string =>
    expression.replace(/\b([xv]\d+)(\.[xy])?/g, (_, name: string, field?: string) =>
      field ? `${name}[${field === '.x' ? 0 : 1}]` : `${name}[${c}]`,
    );
  const body = lines.map((line) => {
    const [, name, expression] = /^let (\w+) = (.*);$/.exec(line)!;
    const swap = /^vec2<f32>\((.*), (.*)\)$/.exec(expression!);
    const cmul = /^cmul\((\w+), vec2<f32>\((.*), (.*)\)\)$/.exec(expression!);
    if (cmul) {
      const [, a, re, im] = cmul;
      return `const ${name} = [${a}[0] * ${re} - ${a}[1] * ${im}, ${a}[0] * ${im} + ${a}[1] * ${re}];`;
    }
    if (swap) return `const ${name} = [${component(swap[1]!, 0)}, ${component(swap[2]!, 0)}];`;
    return `const ${name} = [${component(expression!, 0)}, ${component(expression!, 1)}];`;
  });
  const names = inputs.map((_, r) => `x${r}`);
  const run = new Function(...names, `${body.join('\n')}\nreturn [${outputs.join(', ')}];`) as (
    ...x: number[][]
  ) => number[][];
  return run(...inputs);
}

describe('generated radix-R butterflies (float64, no GPU)', () => {
  it.each([2, 3, 4, 5, 7, 8, 16])('radix %i computes the DFT in both directions', (radix) => {
    const x = randomValues(2 * radix, radix);
    const inputs = Array.from({ length: radix }, (_, r) => [x[2 * r]!, x[2 * r + 1]!]);
    for (const inverse of [false, true]) {
      const { lines, outputs } = butterflyWgsl(
        radix,
        inverse ? 1 : -1,
        inputs.map((_, r) => `x${r}`),
      );
      const expected = referenceDft(x, radix, inverse);
      const actual = evaluate(lines, outputs, inputs).flat();
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14));
    }
  });

  it('radices 2, 4 and 8 need no general multiply but by sqrt(1/2); literals are WGSL floats', () => {
    for (const radix of [2, 4])
      expect(
        butterflyWgsl(
          radix,
          -1,
          Array.from({ length: radix }, (_, r) => `x${r}`),
        ).lines.join(),
      ).not.toContain('cmul');
    const eight = butterflyWgsl(
      8,
      -1,
      Array.from({ length: 8 }, (_, r) => `x${r}`),
    ).lines.filter((line) => line.includes('cmul'));
    expect(eight).toHaveLength(2);
    expect(f32Literal(1)).toBe('1.0');
    expect(f32Literal(-0)).toBe('0.0');
    expect(f32Literal(1e-30)).toBe('1e-30');
    expect(f32Literal(-0.5)).toBe('-0.5');
  });
});
