import type { LogLine } from '@shared/runs';

/**
 * Merges log lines by id (ascending, no duplicates) and keeps at most `maxLines` of the newest.
 * Returns `current` itself when nothing new arrived.
 */
export function mergeLogLines(
  current: readonly LogLine[],
  incoming: readonly LogLine[],
  maxLines: number,
): LogLine[] {
  if (incoming.length === 0) return current as LogLine[];
  const lastId = current.length > 0 ? (current[current.length - 1] as LogLine).id : 0;
  let merged: LogLine[];
  if (
    incoming.every(
      (line, index) => line.id > lastId && (index === 0 || line.id > (incoming[index - 1] as LogLine).id),
    )
  ) {
    merged = current.concat(incoming);
  } else {
    const byId = new Map<number, LogLine>();
    for (const line of current) byId.set(line.id, line);
    let added = false;
    for (const line of incoming) {
      if (!byId.has(line.id)) {
        byId.set(line.id, line);
        added = true;
      }
    }
    if (!added) return current as LogLine[];
    merged = [...byId.values()].sort((a, b) => a.id - b.id);
  }
  return merged.length > maxLines ? merged.slice(merged.length - maxLines) : merged;
}

/** The id after which to fetch more lines. */
export function lastLogId(lines: readonly LogLine[]): number {
  return lines.length > 0 ? (lines[lines.length - 1] as LogLine).id : 0;
}
