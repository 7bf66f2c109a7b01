/** Scratch directories and file trees for the local backend's tests. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const made: string[] = [];

/** A new empty directory under the system's temporary directory, until {@link removeTempDirs}. */
export function tempDir(label = "test"): string {
  const dir = mkdtempSync(join(tmpdir(), `dfc-${label}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} has made; for `afterEach` or `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (path → content) under `root`, making directories as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** Every path under `root`, `/`-separated, sorted; directories end with `/`. */
export function listTree(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      return entry.isDirectory() ? [`${path}/`, ...listTree(root, path)] : [path];
    })
    .sort();
}
