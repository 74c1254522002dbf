/**
 * Objects that refuse fields they do not know. A misspelled field would otherwise be dropped
 * without a word and its default used (`loss.blocksize` trained with b = d), so every object of
 * the run configuration is strict, and the message names the field and the nearest known one.
 */
import { z } from 'zod';
import { nearestName } from '../edit-distance';

/** A field's dotted path, e.g. `loss.blockSize`; the root's own fields have no prefix. */
export const fieldPath = (path: readonly PropertyKey[], key?: string): string =>
  [...path, ...(key === undefined ? [] : [key])].map(String).join('.');

/** `unknown field; did you mean loss.blockSize?`, or the known fields when none is close. */
export function unknownFieldMessage(
  path: readonly PropertyKey[],
  key: string,
  known: readonly string[],
): string {
  const nearest = nearestName(key, known);
  if (nearest !== undefined) return `unknown field; did you mean ${fieldPath(path, nearest)}?`;
  return `unknown field; known here: ${known.join(', ')}`;
}

/**
 * `z.strictObject` whose issue for unknown keys has one line per key, `path.key: message`.
 * `fieldMessages` (validation.ts) splits it into one message per field; read as it is, it is
 * still a whole sentence per field.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const path = issue.path ?? [];
      return issue.keys
        .map((key) => `${fieldPath(path, key)}: ${unknownFieldMessage(path, key, known)}`)
        .join('\n');
    },
  });
}
