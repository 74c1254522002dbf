import type { z } from 'zod';
import { fieldPath } from './config/strict-object';

/** Sets a field's first message; a null-prototype record keeps a `__proto__` field an ordinary key. */
function addMessage(fields: Record<string, string>, key: string, message: string): void {
  if (!Object.hasOwn(fields, key)) fields[key] = message;
}

/**
 * Turns schema issues into `{ 'loss.lambda': 'Too small: ...' }`, one message per field. An
 * object's unknown keys become one entry each (`loss.blocksize: unknown field; did you mean
 * loss.blockSize?`), so a form or a terminal can show them like any other field's problem.
 */
export function fieldMessages(error: z.ZodError): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // strictObject's message has a line `path.key: message` per key; zod's own has one line.
      const lines = issue.message.split('\n');
      for (const key of issue.keys) {
        const field = fieldPath(issue.path, key);
        const line = lines.find((candidate) => candidate.startsWith(`${field}: `));
        addMessage(fields, field, line ? line.slice(field.length + 2) : 'unknown field');
      }
      continue;
    }
    addMessage(fields, issue.path.length > 0 ? fieldPath(issue.path) : '(root)', issue.message);
  }
  return fields;
}

/** One human line for all issues, e.g. for a terminal. */
export function describeIssues(error: z.ZodError): string {
  return Object.entries(fieldMessages(error))
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
}
