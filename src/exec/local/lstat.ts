/**
 * "Is anything there?" for the local backend, which often needs to know
 * before it creates, replaces or refuses a path.
 */
import type { Stats } from "node:fs";
import { lstat } from "node:fs/promises";

/**
 * Whether a file-system error says the path does not exist: ENOTDIR counts,
 * since nothing can exist below a component that is not a directory.
 */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The path's own status (a symlink is not followed), or null when nothing is there. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
