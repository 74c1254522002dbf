import { parseArgs } from 'node:util';
import { adapterLabel } from '@shared/gpu';
import { webGpuBackendInfo } from '@shared/gpu-report';
import { probeWebGpu } from '../../compute/webgpu/probe';
import type { CliCommand } from '../command';

export const gpuProbeCommand: CliCommand = {
  name: 'gpu-probe',
  summary: 'List the WebGPU adapters Dawn finds (or why none), without loading any other backend',
  usage: `Usage: npm run cli -- gpu-probe [--json]

Loads Dawn (npm webgpu) and lists every adapter it offers; when none is a hardware adapter, says
why. --json prints {"adapters": [...], "reasons": [...]} on one line: the app's host runs this in a
short-lived child process so that it never loads Dawn itself. \`doctor\` reports the same and more.`,
  async run(args, context) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const report = await probeWebGpu();
    if (values.json) {
      context.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    const backend = webGpuBackendInfo(report);
    context.stdout.write(
      [
        ...report.adapters.map((adapter) => `${adapterLabel(adapter)}: ${adapter.description}`),
        `webgpu ${backend.available ? 'available' : 'unavailable'}: ${backend.detail}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
