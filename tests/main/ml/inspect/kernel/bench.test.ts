import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/compute/backend';
import { benchGramReduce } from '../../../../../src-main/ml/inspect/kernel/bench';

/**
 * The kernel's speed at the sizes (INSPECT_BENCH=1 npx vitest run <this file>):
 * targets for n = 512 on the 2-core machine: d = 8192 overview <= 1.5 s, tile <= 150 ms;
 * d = 32768 overview <= 20 s. Prints medians; tf.matMul on wasm for comparison.
 */
const bench = process.env.INSPECT_BENCH === '1';
const sizes = (process.env.INSPECT_BENCH_D ?? '8192').split(',').map(Number);
const log = (line: string) => process.stdout.write(`${line}\n`);

describe.runIf(bench)('gramReduce benchmark', () => {
  it.each(sizes)(
    'n = 512, d = %i',
    async (d) => {
      const variants =
        d > 8192 ? [{ threads: 2 }] : [{ threads: 2 }, { threads: 1 }, { threads: 2, fma: false }];
      for (const options of variants) {
        const result = await benchGramReduce(512, d, { ...options, repeats: d > 8192 ? 1 : 5, onLog: log });
        log(JSON.stringify(result));
      }
    },
    600_000,
  );

  it('tf.matMul on wasm, n = 512, d = 8192', async () => {
    await selectBackend('wasm');
    const a = tf.randomNormal([8192, 512]);
    const b = tf.randomNormal([8192, 512]);
    const times: number[] = [];
    for (let repeat = 0; repeat < 4; repeat++) {
      const start = performance.now();
      const product = tf.matMul(a, b, false, true);
      await product.data();
      times.push(performance.now() - start);
      product.dispose();
    }
    log(`tf.matMul wasm (${tf.getBackend()}): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }, 600_000);
});
