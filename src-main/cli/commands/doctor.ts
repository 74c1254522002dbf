import { parseArgs } from 'node:util';
import { selectBackend } from '../../compute/backend';
import { GPU_REQUIREMENTS, gpuChecks, machineChecks, type DoctorCheck } from '../../compute/doctor';
import { webGpuBackendInfo } from '@shared/gpu-report';
import { probeWebGpu } from '../../compute/webgpu/probe';
import { webGpuChecks } from '../../compute/webgpu/probe-checks';
import type { CliCommand } from '../command';

/** Each check's mark says in a symbol and a word whether it passed; facts are not marked. */
const MARK = { ok: '✓ ok     ', missing: '✗ missing', info: '  info   ' } as const;

function section(title: string, checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  return [
    title,
    ...checks.map((check) => `  ${MARK[check.status]}  ${check.name.padEnd(width)}  ${check.detail}`),
  ].join('\n');
}

/** "3 of 10 passed" over the checks that pass or fail (not the facts). */
function tally(checks: DoctorCheck[]): string {
  const tested = checks.filter((check) => check.status !== 'info');
  const passed = tested.filter((check) => check.status === 'ok').length;
  return `${passed} of ${tested.length} checks passed`;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Report which compute backends this machine can use, and what the GPU paths are missing',
  usage: `Usage: npm run cli -- doctor [--json]

Loads each backend the way a training worker would (tensorflow -> webgpu -> wasm -> cpu), lists
every WebGPU adapter Dawn finds (and, without a hardware one, exactly why), and, for the
tfjs-node-gpu path, every library it needs and whether it is present.`,
  async run(args, context) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const selection = await selectBackend('auto');
    const machine = machineChecks();
    const webgpu = await probeWebGpu();
    const webgpuBackend = webGpuBackendInfo(webgpu);
    const adapterChecks = webGpuChecks(webgpu);
    const gpu = gpuChecks();
    const gpuReady = gpu.every((check) => check.status !== 'missing');
    if (values.json) {
      const report = {
        backend: selection,
        machine,
        webgpu: { ...webgpu, backend: webgpuBackend, checks: adapterChecks },
        gpu,
        gpuReady,
      };
      context.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    const software = webgpu.adapters.some((adapter) => adapter.isFallback);
    context.stdout.write(
      [
        section('Machine', machine),
        '',
        'Training backend',
        `  ${MARK.ok}  ${selection.name} (${selection.device}): training runs here`,
        ...selection.skipped.map((reason) => `  ${MARK.missing}  ${reason}`),
        '',
        section('GPU path (WebGPU)', adapterChecks),
        '',
        webgpuBackend.available
          ? `WebGPU: auto selection trains on ${webgpuBackend.detail} (when tfjs-node-gpu does not load).`
          : `WebGPU: no hardware adapter, so training uses ${selection.name}` +
            `${software ? ' (a software adapter is never picked automatically; "backend": "webgpu" forces it)' : ''}.`,
        '',
        section('GPU path (tfjs-node-gpu)', gpu),
        '',
        gpuReady ? 'The tfjs-node-gpu path looks complete.' : GPU_REQUIREMENTS,
        '',
        `Summary: training uses ${selection.name}; machine: ${tally(machine)}; ` +
          `WebGPU: ${webgpuBackend.available ? webgpuBackend.detail : 'no hardware adapter'}; ` +
          `tfjs-node-gpu path: ${tally(gpu)}` +
          `${gpuReady ? '' : ' (it is optional: wasm and tfjs-node train on the CPU)'}.`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
