/** Number arguments shared by the bench commands. */
import { UsageError } from '../command';

/** A comma-separated list of positive integers (`--d 2048,8192`). */
export function positiveIntegers(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new UsageError(`${flag} must be a comma-separated list of positive integers, got '${text}'`);
  }
  return values;
}

/** One positive integer. */
export function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} takes positive integers, not "${text}"`);
  return value;
}

/** A count that may be zero (warm-up passes). */
export function nonNegativeInteger(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new UsageError(`${flag} must be a non-negative integer, not "${text}"`);
  return value;
}
