import { spawn } from 'node:child_process';
import type { WebGpuReport } from '@shared/api/contract';

export interface ChildProbeOptions {
  /** The built command line (out/main/cli.js); its `gpu-probe --json` prints a WebGpuReport. */
  cliEntry: string;
  /** How long the child may take before it is killed and the probe reports that. Default 20 s. */
  timeoutMs?: number;
  /** The child's environment (default this process's; VK_ICD_FILENAMES and the like pass through). */
  env?: NodeJS.ProcessEnv;
}

function isReport(value: unknown): value is WebGpuReport {
  const report = value as Partial<WebGpuReport> | null;
  return (
    typeof report === 'object' &&
    report !== null &&
    Array.isArray(report.adapters) &&
    Array.isArray(report.reasons) &&
    report.reasons.every((reason) => typeof reason === 'string')
  );
}

/**
 * Probes WebGPU in a short-lived child process, so that the process asking (the app's host) never
 * loads Dawn: dawn.node stays loaded once opened, holds a Vulkan instance, and a driver crash in it
 * would take the host down. `process.execPath` with ELECTRON_RUN_AS_NODE=1 is Node under Electron
 * too. Never rejects: a failed or slow probe is reported as the reason.
 */
export function probeWebGpuInChild({
  cliEntry,
  timeoutMs = 20_000,
  env = process.env,
}: ChildProbeOptions): Promise<WebGpuReport> {
  return new Promise((resolve) => {
    const failed = (why: string) => resolve({ adapters: [], reasons: [`the GPU probe failed: ${why}`] });
    const child = spawn(process.execPath, [cliEntry, 'gpu-probe', '--json'], {
      env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed(`no answer within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      failed(error.message);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The report is the last line: Dawn or a driver may print before it.
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const report: unknown = JSON.parse(line);
        if (isReport(report)) return resolve(report);
      } catch {
        // reported below with what the child said
      }
      const said = stderr.trim().split('\n').filter(Boolean).at(-1) ?? stdout.trim().slice(0, 200);
      failed(`${signal ? `killed by ${signal}` : `exit code ${code}`}${said ? `: ${said}` : ''}`);
    });
  });
}
