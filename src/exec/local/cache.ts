/**
 * The local backend's content-addressed cache (`--cache-dir`, default
 * `~/.cache/dfc`): one directory snapshot per result, named by its cache
 * key, so an unchanged step is found and not run again.
 *
 *   snapshots/<key>/   a finished result; never changed once there
 *   tmp/<key>.<pid>.<n>/  a result being made by process <pid>
 *   locks/<key>        held (O_EXCL, holding the pid) while a process makes <key>
 *   mounts/<id>/       RUN --mount=type=cache directories
 *
 * Safety comes from two rules. A result is made in tmp/ and renamed into
 * snapshots/ only when complete, so a build killed halfway (even with
 * SIGKILL) leaves at worst a tmp directory and a lock whose process is
 * gone; the next build removes both and makes the result again. And while a
 * process makes a key it holds the key's lock, so a second build on the same
 * cache waits for that result instead of making it twice or racing it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export function defaultCacheDir(): string {
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "dfc");
}

/** A cache key: 64 lower-case hex digits (a sha256 without its prefix). */
export type CacheKey = string;

let sequence = 0;

export class SnapshotCache {
  private readonly snapshots: string;
  private readonly tmp: string;
  private readonly locks: string;
  readonly mounts: string;

  constructor(readonly root: string) {
    this.snapshots = join(root, "snapshots");
    this.tmp = join(root, "tmp");
    this.locks = join(root, "locks");
    this.mounts = join(root, "mounts");
    for (const dir of [this.snapshots, this.tmp, this.locks, this.mounts]) mkdirSync(dir, { recursive: true });
    this.removeAbandoned();
  }

  /** The finished result for `key`, or null. */
  lookup(key: CacheKey): string | null {
    const path = join(this.snapshots, key);
    return existsSync(path) ? path : null;
  }

  /**
   * The result for `key`, made by `make` into an empty directory unless it
   * is cached or another process is making it (then its result is used).
   * `make` failing leaves nothing behind.
   */
  async obtain(key: CacheKey, make: (dir: string) => Promise<void>, signal?: AbortSignal): Promise<{ path: string; made: boolean }> {
    for (;;) {
      const found = this.lookup(key);
      if (found !== null) return { path: found, made: false };
      if (this.tryLock(key)) break;
      signal?.throwIfAborted();
      await sleep(50);
    }
    try {
      const found = this.lookup(key);
      if (found !== null) return { path: found, made: false };
      const work = join(this.tmp, `${key}.${process.pid}.${sequence++}`);
      mkdirSync(work);
      try {
        await make(work);
        signal?.throwIfAborted();
        try {
          renameSync(work, join(this.snapshots, key));
        } catch (error) {
          // Another process made the same result meanwhile (it took over a lock it judged stale): equal keys, equal results.
          const code = (error as NodeJS.ErrnoException).code;
          if ((code !== "ENOTEMPTY" && code !== "EEXIST") || this.lookup(key) === null) throw error;
          removeTree(work);
          return { path: join(this.snapshots, key), made: false };
        }
      } catch (error) {
        // The step's own failure is what the user needs to see, whatever the clean-up meets.
        removeTree(work);
        throw error;
      }
      return { path: join(this.snapshots, key), made: true };
    } finally {
      rmSync(join(this.locks, key), { force: true });
    }
  }

  /** Takes the lock on `key`, or returns false while a live process holds it (a dead holder's lock is removed for the next try). */
  private tryLock(key: CacheKey): boolean {
    const path = join(this.locks, key);
    // The lock appears with its holder's pid already in it: written aside, then hard-linked
    // into place (link fails if the name exists), so no reader ever sees an empty lock.
    const pending = join(this.locks, `.${key}.${process.pid}.${sequence++}`);
    writeFileSync(pending, String(process.pid));
    try {
      linkSync(pending, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(pending, { force: true });
    }
    if (!isAlive(lockHolder(path))) rmSync(path, { force: true });
    return false;
  }

  /** Work and locks left by processes that are gone (killed builds). */
  private removeAbandoned(): void {
    for (const entry of readdirSync(this.tmp)) {
      const pid = Number(entry.split(".")[1]);
      if (!isAlive(pid)) removeTree(join(this.tmp, entry));
    }
    for (const entry of readdirSync(this.locks)) {
      const path = join(this.locks, entry);
      // `.<key>.<pid>.<n>` files are locks being written; a key's lock holds its pid.
      const pid = entry.startsWith(".") ? Number(entry.split(".")[2]) : lockHolder(path);
      if (!isAlive(pid)) rmSync(path, { force: true });
    }
  }
}

/**
 * Removes a result that is being thrown away, as far as it can: a step may
 * have left directories without write permission, which only stop a
 * non-root user, so permissions are opened up first when removal fails.
 * Never throws: what is left is retried by the next build.
 */
export function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    spawnSync("chmod", ["-R", "u+rwX", "--", path], { stdio: "ignore" });
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Left for the next build's clean-up.
    }
  }
}

function lockHolder(path: string): number {
  try {
    return Number(readFileSync(path, "utf8"));
  } catch {
    return Number.NaN;
  }
}

/** Whether a process with this id exists. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
