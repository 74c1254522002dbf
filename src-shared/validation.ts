import type { z } from 'zod';

/** Turns schema issues into `{ 'loss.lambda': 'Too small: ...' }`, one message per field. */
export function fieldMessages(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** One human line for all issues, e.g. for a terminal. */
export function describeIssues(error: z.ZodError): string {
  return Object.entries(fieldMessages(error))
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
}
