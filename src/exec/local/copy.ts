/**
 * Copying snapshots: `cp -a`, which keeps owners, modes, hard and symbolic
 * links, times and special files exactly as a root file system needs them.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Copies a directory's contents into `dest` (created if missing). */
export async function copyTree(from: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await run("cp", ["-a", "--", `${from}/.`, `${dest}/`]);
}

/** Copies a file or a directory to `dest`, which must not exist. */
export async function copyPath(from: string, dest: string): Promise<void> {
  await run("cp", ["-a", "--", from, dest]);
}
