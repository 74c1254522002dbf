import * as tf from '@tensorflow/tfjs';

/**
 * Runs `work` on the cpu backend with every cpu kernel wrapped so that the names of the kernels
 * the engine dispatches are recorded; the stock kernels are put back afterwards. Kernels run by
 * name on every backend, so this is the set another backend must have for the same work.
 */
export async function recordCpuKernels(work: () => Promise<void>): Promise<Set<string>> {
  await tf.setBackend('cpu');
  const used = new Set<string>();
  const stock = tf.getKernelsForBackend('cpu');
  for (const config of stock) {
    tf.unregisterKernel(config.kernelName, 'cpu');
    tf.registerKernel({
      ...config,
      kernelFunc: (params) => {
        used.add(config.kernelName);
        return config.kernelFunc(params);
      },
    });
  }
  try {
    await work();
  } finally {
    for (const config of stock) {
      tf.unregisterKernel(config.kernelName, 'cpu');
      tf.registerKernel(config);
    }
  }
  return used;
}
