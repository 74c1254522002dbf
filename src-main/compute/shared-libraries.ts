import { execFileSync } from 'node:child_process';

/**
 * The system's shared-library cache (`ldconfig -p`), parsed into soname -> path: where the
 * dynamic loader finds a library by name (libcudart.so.11.0 for tfjs-node-gpu, libvulkan.so.1
 * for Dawn). Empty where there is no ldconfig (it is Linux-only).
 */
export function ldconfigLibraries(): Map<string, string> {
  const found = new Map<string, string>();
  try {
    const listing = execFileSync('ldconfig', ['-p'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    for (const line of listing.split('\n')) {
      const match = /^\s*(\S+) \(.*\) => (\S+)$/.exec(line);
      if (match) found.set(match[1]!, match[2]!);
    }
  } catch {
    // not Linux: callers report what they can from other places
  }
  return found;
}
