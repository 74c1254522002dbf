/** "Did you mean ...?" for mistyped command names. */
import { editDistance } from '@shared/edit-distance';

/** The distance is the one configuration fields use (one edit: `trian` -> `train`). */
export { editDistance };

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
