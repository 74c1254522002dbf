/** The process's memory as the CPU-side benchmarks measure it (Linux /proc, else Node's figures). */
import { readFileSync, writeFileSync } from 'node:fs';

/** The process's resident set size now and its peak (VmRSS, VmHWM), from /proc on Linux. */
export function residentBytes(): { rss: number; peak: number } {
  const status = readProcStatus();
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status ?? '')?.[1]);
  const rss = field('VmRSS');
  const peak = field('VmHWM');
  return Number.isFinite(rss) && Number.isFinite(peak)
    ? { rss: rss * 1024, peak: peak * 1024 }
    : { rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024 };
}

function readProcStatus(): string | undefined {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Resets the OS peak RSS to the current RSS (Linux: "5" to /proc/self/clear_refs), so the peak
 * of the timed passes is measured even after a larger configuration ran in this process.
 */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
