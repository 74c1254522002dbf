import os from 'node:os';

/** The thread count used unless asked otherwise: every core, at most 8 (tfjs's pool limit). */
export function defaultWasmThreads(): number {
  const fromEnvironment = Number(process.env.DECORBENCH_WASM_THREADS);
  if (Number.isInteger(fromEnvironment) && fromEnvironment >= 1) return Math.min(fromEnvironment, 8);
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}
