/** "Did you mean ...?" for mistyped command names. */

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring letters each cost 1, so `trian` is one edit from `train`.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Edits a typo may have and still be recognised: one in short words, two from five letters. */
const tolerance = (word: string) => (word.length >= 5 ? 2 : 1);

/**
 * The leading words of a command line that name a command: everything before the first
 * option, so `trian --preset quickstart` names `trian`, not `trian --preset`.
 */
export function commandWords(argv: readonly string[], maxWords: number): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || words.length === maxWords) break;
    words.push(arg);
  }
  return words;
}

/**
 * The command names nearest to what was typed, nearest first: names within a few edits (at most
 * `limit`), then every subcommand of a group whose first word was typed (`runs`, `run lst`).
 */
export function nearestCommands(typed: readonly string[], names: readonly string[], limit = 4): string[] {
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const parts = name.split(' ');
    const whole = typed.slice(0, parts.length).join(' ');
    const distance = editDistance(whole, name);
    if (distance <= tolerance(name)) {
      scored.push({ name, score: distance });
      continue;
    }
    // A group's first word (with a typo at most) and a wrong or missing subcommand.
    if (parts.length > 1 && typed[0] !== undefined) {
      const groupDistance = editDistance(typed[0], parts[0]!);
      if (groupDistance <= tolerance(parts[0]!)) scored.push({ name, score: 10 + groupDistance });
    }
  }
  scored.sort((a, b) => a.score - b.score);
  // Every subcommand of the group is listed (`runs` has seven): `limit` caps only the typos.
  const typos = scored.filter((entry) => entry.score < 10).slice(0, limit);
  const members = scored.filter((entry) => entry.score >= 10);
  return [...typos, ...members].map((entry) => entry.name);
}
