/**
 * Where exports go. Both checks run before any slow work (restoring a model, reading a dataset),
 * so a mistyped or read-only path fails at once with a message that names it.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppFailure } from '@shared/errors';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'the disk is full',
  EEXIST: 'a file is in the way',
};

/** A file system error as an expected failure naming the path and the reason in words. */
export function unwritable(path: string, error: unknown): AppFailure {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new AppFailure('invalid-input', `Cannot write ${path}: ${reason}`);
}

function ensureWritableFolder(dir: string, shownPath: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw unwritable(shownPath, error);
  }
}

/** Makes sure the file `path` can be written (its folder is created); returns the absolute path. */
export function prepareOutputFile(path: string): string {
  const absolute = resolve(path);
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(absolute);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) {
    throw new AppFailure('invalid-input', `Cannot write ${path}: it is a folder; give a file name`);
  }
  ensureWritableFolder(dirname(absolute), path);
  if (existing) {
    try {
      accessSync(absolute, constants.W_OK);
    } catch (error) {
      throw unwritable(path, error);
    }
  }
  return absolute;
}

/** Makes sure the folder `path` exists and can be written; returns the absolute path. */
export function prepareOutputFolder(path: string): string {
  const absolute = resolve(path);
  ensureWritableFolder(absolute, path);
  return absolute;
}
