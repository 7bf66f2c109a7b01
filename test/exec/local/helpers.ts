/** Scratch directories, file trees and end-to-end build setup for the local backend's tests. */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
export function writeTree(root: string, files: Readonly<Record<string, string>>): void {
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

/** The example whose root file system tarballs the end-to-end builds use (made by its make-rootfs.sh). */
export const ROOTFS_EXAMPLE = fileURLToPath(new URL("../../../examples/ifarch-rootfs/", import.meta.url));
const ROOTFS_TARBALLS = ["rootfs-x64.tar.xz", "rootfs-arm64.tar.xz"];

/**
 * What an end-to-end build test needs and this machine lacks: the tarballs,
 * and `tools` not on PATH. The tests skip without them; CI must have them all.
 */
export function missingForBuilds(tools: readonly string[], others: readonly string[] = []): string[] {
  const onPath = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
  const missing = [...ROOTFS_TARBALLS.filter((file) => !existsSync(join(ROOTFS_EXAMPLE, file))), ...tools.filter((tool) => !onPath(tool)), ...others];
  if (missing.length > 0 && process.env["CI"] !== undefined) throw new Error(`CI must provide ${missing.join(", ")} (see .ci/run)`);
  return missing;
}

/** A build context in `dir` (made if needed) with the example's tarballs and `files`. */
export function buildContext(dir: string, files: Readonly<Record<string, string>>): string {
  mkdirSync(dir, { recursive: true });
  for (const file of ROOTFS_TARBALLS) copyFileSync(join(ROOTFS_EXAMPLE, file), join(dir, file));
  writeTree(dir, files);
  return dir;
}
