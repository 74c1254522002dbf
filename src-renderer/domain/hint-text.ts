/** One piece of a help text: plain text, inline code, or a link. */
export type HintSegment =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

// `code` spans, and bare http(s) links (a trailing full stop or comma ends the sentence, not the URL).
const MARKUP = /`([^`]+)`|(https?:\/\/[^\s<>()]+[^\s<>().,;:])/g;

/**
 * Splits a help text into text, `code` and link segments, so hints can show commands as code
 * and addresses as links without rendering HTML (nothing in a hint is ever parsed as markup).
 */
export function hintSegments(text: string): HintSegment[] {
  const segments: HintSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKUP)) {
    const index = match.index;
    if (index > last) segments.push({ kind: 'text', text: text.slice(last, index) });
    if (match[1] !== undefined) segments.push({ kind: 'code', text: match[1] });
    else segments.push({ kind: 'link', text: match[2]!, href: match[2]! });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
