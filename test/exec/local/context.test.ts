import { chmodSync, chownSync, lstatSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DockerIgnore, readDockerIgnore } from "../../../src/compile/dockerignore.js";
import { contextDigest, copyContext } from "../../../src/exec/local/context.js";
import { listTree, removeTempDirs, tempDir, writeTree } from "./helpers.js";

const asRoot = process.getuid?.() === 0;
const ignore = (...lines: string[]): DockerIgnore => {
  const parsed = DockerIgnore.parse(lines);
  if (parsed === null) throw new Error("bad patterns");
  return parsed;
};

let context: string;

beforeEach(() => {
  context = tempDir("context");
  writeTree(context, {
    "Dockerfile": "FROM scratch\n",
    "src/main.go": "package main\n",
    "src/util/strings.go": "package util\n",
    "node_modules/left-pad/index.js": "module.exports = 1;\n",
    "app.log": "log\n",
    "keep.log": "kept\n",
    "docs/README.md": "# readme\n",
    "docs/notes.md": "notes\n",
    "build/out.bin": "bin\n",
    "build/deep/x.keep": "keep me\n",
  });
});

afterEach(() => {
  removeTempDirs();
});

describe("copyContext", () => {
  it("copies the whole tree with modes and symlinks as links", async () => {
    chmodSync(join(context, "src/main.go"), 0o751);
    chmodSync(join(context, "docs"), 0o750);
    symlinkSync("/etc/passwd", join(context, "outside"));
    symlinkSync("../Dockerfile", join(context, "src/df"));
    const dest = tempDir("context");
    await copyContext(context, null, dest);
    expect(listTree(dest)).toEqual(listTree(context));
    expect(statSync(join(dest, "src/main.go")).mode & 0o7777).toBe(0o751);
    expect(statSync(join(dest, "docs")).mode & 0o7777).toBe(0o750);
    expect(readFileSync(join(dest, "src/util/strings.go"), "utf8")).toBe("package util\n");
    // Links are copied as they are, never followed out of the context.
    expect(lstatSync(join(dest, "outside")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dest, "outside"))).toBe("/etc/passwd");
    expect(readlinkSync(join(dest, "src/df"))).toBe("../Dockerfile");
  });

  it("fills read-only directories", async () => {
    chmodSync(join(context, "src/util"), 0o555);
    const dest = tempDir("context");
    await copyContext(context, null, dest);
    expect(readFileSync(join(dest, "src/util/strings.go"), "utf8")).toBe("package util\n");
    expect(statSync(join(dest, "src/util")).mode & 0o7777).toBe(0o555);
  });

  it.runIf(asRoot)("gives every entry to root, as BuildKit's file sync does", async () => {
    chownSync(join(context, "src/main.go"), 1234, 5678);
    const dest = tempDir("context");
    await copyContext(context, null, dest);
    const { uid, gid } = lstatSync(join(dest, "src/main.go"));
    expect({ uid, gid }).toEqual({ uid: 0, gid: 0 });
  });

  it("refuses to copy the context into itself", async () => {
    await expect(copyContext(context, null, join(context, ".cache/snapshot"))).rejects.toThrow(/inside it/);
    await expect(copyContext(context, null, context)).rejects.toThrow(/inside it/);
  });

  it("leaves out what .dockerignore excludes, and re-includes exceptions", async () => {
    const dest = tempDir("context");
    await copyContext(context, ignore("node_modules", "*.log", "!keep.log", "docs", "!docs/README.md"), dest);
    expect(listTree(dest)).toEqual([
      "Dockerfile",
      "build/",
      "build/deep/",
      "build/deep/x.keep",
      "build/out.bin",
      "docs/",
      "docs/README.md",
      "keep.log",
      "src/",
      "src/main.go",
      "src/util/",
      "src/util/strings.go",
    ]);
  });

  it("enters an excluded directory for an exception with a wildcard, keeping only the directories it needs", async () => {
    const dest = tempDir("context");
    await copyContext(context, ignore("build", "node_modules", "!**/*.keep"), dest);
    expect(listTree(dest).filter((path) => path.startsWith("build") || path.startsWith("node_modules"))).toEqual(["build/", "build/deep/", "build/deep/x.keep"]);
  });

  it("skips an excluded directory whole when no exception can reach into it", async () => {
    const dest = tempDir("context");
    await copyContext(context, ignore("*", "!src"), dest);
    expect(listTree(dest)).toEqual(["src/", "src/main.go", "src/util/", "src/util/strings.go"]);
  });
});

describe("contextDigest", () => {
  it("is a sha256 digest that does not change between runs", async () => {
    const digest = await contextDigest(context, null);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await contextDigest(context, null)).toBe(digest);
  });

  it("depends on what is in the tree, not on where it is or the order files were made in", async () => {
    const other = tempDir("context");
    const files = Object.fromEntries(listTree(context).filter((path) => !path.endsWith("/")).map((path) => [path, readFileSync(join(context, path), "utf8")]));
    writeTree(other, Object.fromEntries(Object.entries(files).reverse()));
    expect(await contextDigest(other, null)).toBe(await contextDigest(context, null));
  });

  it("changes with an included file's content, mode, name or symlink target", async () => {
    const before = await contextDigest(context, null);
    writeFileSync(join(context, "src/main.go"), "package main // changed\n");
    const edited = await contextDigest(context, null);
    expect(edited).not.toBe(before);
    chmodSync(join(context, "src/main.go"), 0o700);
    const chmodded = await contextDigest(context, null);
    expect(chmodded).not.toBe(edited);
    symlinkSync("a", join(context, "link"));
    const linked = await contextDigest(context, null);
    expect(linked).not.toBe(chmodded);
    rmSync(join(context, "link"));
    symlinkSync("b", join(context, "link"));
    const relinked = await contextDigest(context, null);
    expect(relinked).not.toBe(linked);
    rmSync(join(context, "docs/notes.md"));
    writeTree(context, { "docs/notes2.md": "notes\n" });
    expect(await contextDigest(context, null)).not.toBe(relinked);
  });

  it("does not change with excluded files, or with times", async () => {
    const patterns = ignore("node_modules", "*.log", "!keep.log");
    const before = await contextDigest(context, patterns);
    writeFileSync(join(context, "app.log"), "more log\n");
    writeTree(context, { "node_modules/new/index.js": "x", "debug.log": "y" });
    utimesSync(join(context, "Dockerfile"), new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect(await contextDigest(context, patterns)).toBe(before);
    writeFileSync(join(context, "keep.log"), "changed\n");
    expect(await contextDigest(context, patterns)).not.toBe(before);
  });

  it("is the digest of the copy: copyContext sends exactly what contextDigest covers", async () => {
    const patterns = ignore("node_modules", "*.log", "!keep.log", "docs", "!docs/README.md");
    symlinkSync("src/main.go", join(context, "main"));
    const dest = tempDir("context");
    await copyContext(context, patterns, dest);
    expect(await contextDigest(dest, null)).toBe(await contextDigest(context, patterns));
    expect(await contextDigest(dest, null)).not.toBe(await contextDigest(context, null));
  });
});

describe("readDockerIgnore", () => {
  it("prefers <Dockerfile>.dockerignore beside the Dockerfile over .dockerignore in the context", () => {
    const files = tempDir("context");
    writeTree(context, { ".dockerignore": "from-context\n" });
    writeTree(files, { "app.Dockerfile": "FROM scratch\n", "app.Dockerfile.dockerignore": "# comment\nfrom-dockerfile\r\n" });
    expect(readDockerIgnore(join(files, "app.Dockerfile"), context)).toEqual(["# comment", "from-dockerfile", ""]);
    expect(readDockerIgnore(join(files, "other.Dockerfile"), context)).toEqual(["from-context", ""]);
  });

  it("is null when there is no ignore file", () => {
    expect(readDockerIgnore(join(context, "Dockerfile"), context)).toBeNull();
  });
});
