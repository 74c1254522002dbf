import { registerRelaxedDeviceKernels } from '../../../ml/losses/relaxed/device/ops';
import { fftWebGpu } from '../fft';
import { pairSpectraWebGpu } from './index';
import { twoRealSpectraWebGpu } from './two-real';

/**
 * Puts the relaxed losses (fft-bt, fft-vicreg) on the webgpu backend's own kernels: with these
 * registered, the losses never download z1, z2 to the host while webgpu is the backend.
 */
export function registerWebGpuRelaxedKernels(): void {
  registerRelaxedDeviceKernels('webgpu', {
    fft: fftWebGpu,
    pairSpectra: pairSpectraWebGpu,
    twoRealSpectra: twoRealSpectraWebGpu,
  });
}
