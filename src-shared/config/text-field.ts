import { z } from 'zod';

/** A UTF-16 surrogate without its partner: JSON and SQLite would store it, but no file or terminal can show it. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (C0, DEL, C1): a NUL ends a path early in C code, others garble terminals. */
const CONTROL = /\p{Cc}/u;

/**
 * A trimmed, non-empty line of text of at most `max` characters, well-formed Unicode without
 * control characters: names and paths are shown in tables and terminals and passed to the
 * file system, where such characters mislead or fail far from where they came in.
 */
export function textField(options: { max: number; required: string }) {
  return z
    .string()
    .trim()
    .min(1, options.required)
    .max(options.max, `At most ${options.max} characters`)
    .refine((value) => !LONE_SURROGATE.test(value), 'Contains an incomplete (lone surrogate) character')
    .refine((value) => !CONTROL.test(value), 'Contains a control character (e.g. a line break)');
}
