import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SnapshotCache } from "../../../src/exec/local/cache.js";

const KEY = "a".repeat(64);
const freshCache = (): SnapshotCache => new SnapshotCache(mkdtempSync(join(tmpdir(), "dfc-cache-")));
/** The pid of a process that has exited. */
const deadPid = (): number => Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());

describe("SnapshotCache", () => {
  it("makes a result once, then finds it", async () => {
    const cache = freshCache();
    let made = 0;
    const make = async (dir: string): Promise<void> => {
      made++;
      writeFileSync(join(dir, "file"), "content");
    };
    const first = await cache.obtain(KEY, make);
    const second = await cache.obtain(KEY, make);
    expect([first.made, second.made, made]).toEqual([true, false, 1]);
    expect(readFileSync(join(second.path, "file"), "utf8")).toBe("content");
    expect(cache.lookup(KEY)).toBe(first.path);
  });

  it("keeps nothing of a result whose making failed, and frees its lock", async () => {
    const cache = freshCache();
    await expect(cache.obtain(KEY, async (dir) => {
      writeFileSync(join(dir, "half"), "x");
      throw new Error("step failed");
    })).rejects.toThrow("step failed");
    expect(cache.lookup(KEY)).toBeNull();
    expect(readdirSync(join(cache.root, "tmp"))).toEqual([]);
    expect(readdirSync(join(cache.root, "locks"))).toEqual([]);
  });

  it("lets a second maker of the same key wait for the first and use its result", async () => {
    const cache = freshCache();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let made = 0;
    const slow = cache.obtain(KEY, async (dir) => {
      made++;
      await gate;
      writeFileSync(join(dir, "file"), "first");
    });
    const waiting = cache.obtain(KEY, async () => {
      made++;
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    release();
    const [a, b] = await Promise.all([slow, waiting]);
    expect(made).toBe(1);
    expect([a.made, b.made]).toEqual([true, false]);
    expect(readFileSync(join(b.path, "file"), "utf8")).toBe("first");
  });

  it("clears what a killed process left: its unfinished work and its lock", async () => {
    const root = mkdtempSync(join(tmpdir(), "dfc-cache-"));
    new SnapshotCache(root);
    const pid = deadPid();
    mkdirSync(join(root, "tmp", `${KEY}.${pid}.0`));
    writeFileSync(join(root, "locks", KEY), String(pid));
    const cache = new SnapshotCache(root);
    expect(readdirSync(join(root, "tmp"))).toEqual([]);
    expect(existsSync(join(root, "locks", KEY))).toBe(false);
    expect((await cache.obtain(KEY, async () => {})).made).toBe(true);
  });

  it("uses the result another process finished first instead of failing to rename over it", async () => {
    const cache = freshCache();
    const result = await cache.obtain(KEY, async (dir) => {
      writeFileSync(join(dir, "file"), "mine");
      // Meanwhile another process, which judged our lock stale, made the same key.
      mkdirSync(join(cache.root, "snapshots", KEY));
      writeFileSync(join(cache.root, "snapshots", KEY, "file"), "theirs");
    });
    expect(result.made).toBe(false);
    expect(readFileSync(join(result.path, "file"), "utf8")).toBe("theirs");
    expect(readdirSync(join(cache.root, "tmp"))).toEqual([]);
  });

  it("takes over a lock whose holder died while it was waiting", async () => {
    const cache = freshCache();
    writeFileSync(join(cache.root, "locks", KEY), String(deadPid()));
    expect((await cache.obtain(KEY, async () => {})).made).toBe(true);
  });
});
