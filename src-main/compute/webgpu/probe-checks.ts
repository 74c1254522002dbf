import type { WebGpuReport } from '@shared/api/contract';
import { adapterLabel } from '@shared/gpu';
import { adapterDetail } from '@shared/gpu-report';
import type { DoctorCheck } from '../doctor';

/**
 * The doctor's WebGPU section: one line per adapter (a hardware one passes, a software one is a
 * fact), then, without a hardware adapter, one missing line per reason.
 */
export function webGpuChecks(report: WebGpuReport): DoctorCheck[] {
  const checks: DoctorCheck[] = report.adapters.map((adapter) => ({
    name: adapterLabel(adapter),
    status: adapter.isFallback ? 'info' : 'ok',
    detail: adapterDetail(adapter),
  }));
  if (report.adapters.some((adapter) => !adapter.isFallback)) return checks;
  const [first, ...more] = report.reasons;
  checks.push({ name: 'hardware adapter', status: 'missing', detail: first ?? 'none found' });
  for (const reason of more) checks.push({ name: 'also', status: 'missing', detail: reason });
  return checks;
}
