import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyFileActions, type FileOpsOptions } from "../../../src/exec/local/file-ops.js";
import { PathEscapeError } from "../../../src/exec/local/paths.js";
import type { FileAction } from "../../../src/graph/ir.js";
import { listTree, removeTempDirs, tempDir, writeTree } from "./helpers.js";

const asRoot = process.getuid?.() === 0;
type CopyAction = Extract<FileAction, { action: "copy" }>;

/** A copy action as dfc compiles COPY: wildcards allowed, symlinks followed, destination created. */
const copy = (src: string, dest: string, extra: Partial<CopyAction> = {}): CopyAction => ({
  action: "copy",
  input: 0,
  src,
  dest,
  chown: null,
  chmod: null,
  unpack: false,
  parents: false,
  exclude: [],
  followSymlinks: true,
  createDestPath: true,
  allowWildcard: true,
  ...extra,
});

let target: string;
let input: string;

const apply = (actions: readonly FileAction[], options: Partial<FileOpsOptions> = {}): Promise<void> =>
  applyFileActions(target, actions, { input: () => input, unpack: () => Promise.resolve(false), ...options });

const read = (path: string): string => readFileSync(join(target, path), "utf8");
const modeOf = (path: string): number => lstatSync(join(target, path)).mode & 0o7777;
const ownerOf = (path: string): string => {
  const { uid, gid } = lstatSync(join(target, path));
  return `${uid}:${gid}`;
};

beforeEach(() => {
  target = tempDir("fileops");
  input = tempDir("fileops");
  writeTree(input, {
    "a.txt": "a",
    "b.txt": "b",
    "c.md": "c",
    "src/main.go": "package main",
    "src/util/strings.go": "package util",
    "sub/d.txt": "d",
  });
});

afterEach(() => {
  removeTempDirs();
});

describe("copy: sources and destinations", () => {
  it("copies a file to a destination path, or into a destination ending in /", async () => {
    await apply([copy("a.txt", "/out"), copy("b.txt", "/dir/"), copy("c.md", "/dir/.")]);
    expect(lstatSync(join(target, "out")).isFile()).toBe(true);
    expect(read("out")).toBe("a");
    expect(read("dir/b.txt")).toBe("b");
    expect(read("dir/c.md")).toBe("c");
  });

  it("copies a file into an existing directory even without a trailing /", async () => {
    mkdirSync(join(target, "existing"));
    await apply([copy("a.txt", "/existing")]);
    expect(read("existing/a.txt")).toBe("a");
  });

  it("replaces an existing file, but not a directory, with a file", async () => {
    writeTree(target, { "out": "old", "busy/a.txt/inside": "x" });
    await apply([copy("a.txt", "/out")]);
    expect(read("out")).toBe("a");
    await expect(apply([copy("a.txt", "/busy/")])).rejects.toThrow(/cannot replace directory \/busy\/a.txt/);
  });

  it("copies a directory's contents, not the directory, merging into what is there", async () => {
    writeTree(target, { "app/old.txt": "old" });
    await apply([copy("src", "/app"), copy("src/", "/fresh")]);
    expect(listTree(join(target, "app"))).toEqual(["main.go", "old.txt", "util/", "util/strings.go"]);
    expect(listTree(join(target, "fresh"))).toEqual(["main.go", "util/", "util/strings.go"]);
    expect(modeOf("fresh")).toBe(0o755);
  });

  it("refuses to copy a directory onto a file", async () => {
    writeTree(target, { "app": "a file" });
    await expect(apply([copy("src", "/app")])).rejects.toThrow(/cannot copy to non-directory: \/app/);
  });

  it("reports a missing source", async () => {
    await expect(apply([copy("missing.txt", "/out")])).rejects.toThrow('"/missing.txt": not found');
  });

  it("requires the destination's parent without createDestPath", async () => {
    await expect(apply([copy("a.txt", "/no/such/out", { createDestPath: false })])).rejects.toThrow(/parent directory does not exist/);
    mkdirSync(join(target, "there"));
    await apply([copy("a.txt", "/there/out", { createDestPath: false })]);
    expect(read("there/out")).toBe("a");
  });

  it("keeps file modes and copies symlinks inside a tree as links", async () => {
    chmodSync(join(input, "src/main.go"), 0o750);
    chmodSync(join(input, "src/util"), 0o700);
    symlinkSync("/etc/passwd", join(input, "src/passwd"));
    await apply([copy("src", "/app")]);
    expect(modeOf("app/main.go")).toBe(0o750);
    expect(modeOf("app/util")).toBe(0o700);
    expect(readlinkSync(join(target, "app/passwd"))).toBe("/etc/passwd");
  });

  it("follows a symlink named as the source only with followSymlinks", async () => {
    symlinkSync("a.txt", join(input, "link"));
    await apply([copy("link", "/followed"), copy("link", "/kept", { followSymlinks: false })]);
    expect(lstatSync(join(target, "followed")).isFile()).toBe(true);
    expect(read("followed")).toBe("a");
    expect(readlinkSync(join(target, "kept"))).toBe("a.txt");
  });

  it("copies from an empty input file system", async () => {
    await apply([copy("/", "/empty/")], { input: () => null });
    expect(listTree(join(target, "empty"))).toEqual([]);
    await expect(apply([copy("/x", "/y")], { input: () => null })).rejects.toThrow('"/x": not found');
  });

  it.runIf(asRoot)("keeps the source's owner when not chowned", async () => {
    chownSync(join(input, "a.txt"), 4321, 8765);
    await apply([copy("a.txt", "/a.txt")]);
    expect(ownerOf("a.txt")).toBe("4321:8765");
  });
});

describe("copy: wildcards", () => {
  it("matches *, ? and [...] in each segment, in name order", async () => {
    await apply([copy("*.txt", "/star/"), copy("?.md", "/question/"), copy("[ab].txt", "/class/"), copy("[^a].txt", "/negated/"), copy("*/d.txt", "/nested/")]);
    expect(listTree(join(target, "star"))).toEqual(["a.txt", "b.txt"]);
    expect(listTree(join(target, "question"))).toEqual(["c.md"]);
    expect(listTree(join(target, "class"))).toEqual(["a.txt", "b.txt"]);
    expect(listTree(join(target, "negated"))).toEqual(["b.txt"]);
    expect(listTree(join(target, "nested"))).toEqual(["d.txt"]);
  });

  it("copies each matched directory's contents", async () => {
    await apply([copy("s*", "/merged/")]);
    expect(listTree(join(target, "merged"))).toEqual(["d.txt", "main.go", "util/", "util/strings.go"]);
  });

  it("takes an escaped wildcard character literally", async () => {
    writeTree(input, { "star*.txt": "literal", "starX.txt": "other" });
    await apply([copy("st?r\\*.txt", "/lit/")]);
    expect(listTree(join(target, "lit"))).toEqual(["star*.txt"]);
  });

  it("lets a wildcard match nothing, as Dockerfile COPY does, but not a missing directory before it", async () => {
    await apply([copy("*.nothing", "/none/")]);
    expect(existsSync(join(target, "none"))).toBe(false);
    await expect(apply([copy("nodir/*.txt", "/none/")])).rejects.toThrow('"/nodir": not found');
  });

  it("does not expand wildcards without allowWildcard", async () => {
    await expect(apply([copy("*.txt", "/x/", { allowWildcard: false })])).rejects.toThrow('"/*.txt": not found');
  });
});

describe("copy: --chown and --chmod", () => {
  beforeEach(() => {
    writeTree(target, {
      "etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n",
      "etc/group": "root:x:0:\nstaff:x:50:app\n",
    });
  });

  it.runIf(asRoot)("chowns by id: a lone number is both uid and gid", async () => {
    await apply([copy("a.txt", "/one"), copy("a.txt", "/two", { chown: "1234:99" }), copy("src", "/tree/", { chown: "1234" })]);
    expect(ownerOf("two")).toBe("1234:99");
    for (const path of ["tree", "tree/main.go", "tree/util", "tree/util/strings.go"]) expect(ownerOf(path)).toBe("1234:1234");
  });

  it.runIf(asRoot)("chowns by name, looked up in the target's /etc/passwd and /etc/group", async () => {
    await apply([copy("a.txt", "/user", { chown: "app" }), copy("a.txt", "/both", { chown: "app:staff" }), copy("a.txt", "/made/parents/", { chown: "app" })]);
    expect(ownerOf("user")).toBe("1000:1001");
    expect(ownerOf("both")).toBe("1000:50");
    expect(ownerOf("made")).toBe("1000:1001");
    expect(ownerOf("made/parents/a.txt")).toBe("1000:1001");
  });

  it("refuses names the target does not know", async () => {
    await expect(apply([copy("a.txt", "/x", { chown: "nobody-here" })])).rejects.toThrow(/unable to find user nobody-here/);
    await expect(apply([copy("a.txt", "/x", { chown: "app:nogroup" })])).rejects.toThrow(/unable to find group nogroup/);
  });

  it("sets the mode of copied files and directories", async () => {
    await apply([copy("src", "/app", { chmod: "640" }), copy("a.txt", "/a", { chmod: "0755" })]);
    expect(modeOf("app/main.go")).toBe(0o640);
    expect(modeOf("app/util")).toBe(0o640);
    expect(modeOf("a")).toBe(0o755);
  });

  it("refuses a mode that is not octal", async () => {
    await expect(apply([copy("a.txt", "/a", { chmod: "u+x" })])).rejects.toThrow(/only octal modes/);
  });
});

describe("copy: --exclude and --parents", () => {
  beforeEach(() => {
    writeTree(input, { "proj/app.log": "l", "proj/keep.log": "k", "proj/tmp/cache": "c", "proj/lib/x.txt": "x", "proj/lib/y.txt": "y" });
  });

  it("skips excluded paths below the source, with exceptions", async () => {
    await apply([copy("proj", "/p", { exclude: ["*.log", "!keep.log", "tmp", "lib/y.txt"] })]);
    expect(listTree(join(target, "p"))).toEqual(["keep.log", "lib/", "lib/x.txt"]);
  });

  it("keeps the source's parent directories with --parents", async () => {
    chmodSync(join(input, "proj/lib"), 0o750);
    await apply([copy("proj/lib/x.txt", "/dest/", { parents: true }), copy("sub/*.txt", "/dest/", { parents: true })]);
    expect(listTree(join(target, "dest"))).toEqual(["proj/", "proj/lib/", "proj/lib/x.txt", "sub/", "sub/d.txt"]);
    expect(modeOf("dest/proj/lib")).toBe(0o750);
  });

  it("keeps only the directories after a /./ pivot", async () => {
    await apply([copy("proj/./lib/x.txt", "/pivot/", { parents: true })]);
    expect(listTree(join(target, "pivot"))).toEqual(["lib/", "lib/x.txt"]);
  });
});

describe("copy: ADD archives", () => {
  it("hands a file to unpack with the destination directory, and copies nothing more when it unpacks", async () => {
    const unpack = vi.fn((_archive: string, destDir: string) => {
      writeFileSync(join(destDir, "from-archive"), "x");
      return Promise.resolve(true);
    });
    await apply([copy("a.txt", "/extracted", { unpack: true })], { unpack });
    expect(unpack).toHaveBeenCalledWith(join(input, "a.txt"), join(target, "extracted"));
    expect(listTree(join(target, "extracted"))).toEqual(["from-archive"]);
  });

  it("copies the file as it is when it is not an archive", async () => {
    const unpack = vi.fn(() => Promise.resolve(false));
    await apply([copy("a.txt", "/plain", { unpack: true })], { unpack });
    expect(unpack).toHaveBeenCalledOnce();
    expect(lstatSync(join(target, "plain")).isFile()).toBe(true);
    expect(read("plain")).toBe("a");
  });

  it("does not try to unpack directories, or anything when unpack is off", async () => {
    const unpack = vi.fn(() => Promise.resolve(true));
    await apply([copy("src", "/dir", { unpack: true }), copy("a.txt", "/file", { unpack: false })], { unpack });
    expect(unpack).not.toHaveBeenCalled();
    expect(read("file")).toBe("a");
  });
});

describe("copy: escapes", () => {
  it("refuses a source outside the input", async () => {
    await expect(apply([copy("../../etc/passwd", "/stolen")])).rejects.toThrow(PathEscapeError);
    await expect(apply([copy("../*", "/stolen/")])).rejects.toThrow(PathEscapeError);
  });

  it("refuses a source reached through a symlink that climbs out of the input", async () => {
    symlinkSync("../../../../../../etc/passwd", join(input, "evil"));
    symlinkSync("../../../../../../etc", join(input, "evil-dir"));
    await expect(apply([copy("evil", "/stolen")])).rejects.toThrow(PathEscapeError);
    await expect(apply([copy("evil-dir/passwd", "/stolen")])).rejects.toThrow(PathEscapeError);
    expect(existsSync(join(target, "stolen"))).toBe(false);
  });

  it("reads an absolute symlink's target inside the input, never on this machine", async () => {
    symlinkSync("/etc/passwd", join(input, "abs"));
    await expect(apply([copy("abs", "/stolen")])).rejects.toThrow('"/abs": not found');
    writeTree(input, { "etc/passwd": "the input's own" });
    await apply([copy("abs", "/copied")]);
    expect(read("copied")).toBe("the input's own");
  });

  it("never writes through a symlink out of the target", async () => {
    const outside = tempDir("fileops");
    symlinkSync(outside, join(target, "abs-out"));
    symlinkSync("../../../../../..", join(target, "rel-out"));
    await expect(apply([copy("a.txt", "/rel-out/a.txt")])).rejects.toThrow(PathEscapeError);
    await expect(apply([{ action: "mkfile", path: "/rel-out/x", data: "x", mode: 0o644, chown: null }])).rejects.toThrow(PathEscapeError);
    // An absolute link leads back into the target, so the write lands there (or fails), never in `outside`.
    await apply([copy("a.txt", "/abs-out/a.txt")]);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(target, outside, "a.txt"), "utf8")).toBe("a");
  });
});

describe("mkdir, mkfile, rm, symlink", () => {
  it("makes a directory with its mode, parents only when asked", async () => {
    await apply([{ action: "mkdir", path: "/solo", mode: 0o700, makeParents: false, chown: null }]);
    expect(modeOf("solo")).toBe(0o700);
    await expect(apply([{ action: "mkdir", path: "/no/parent", mode: 0o755, makeParents: false, chown: null }])).rejects.toThrow(/ENOENT/);
    await apply([{ action: "mkdir", path: "/deep/er/est", mode: 0o750, makeParents: true, chown: null }]);
    for (const path of ["deep", "deep/er", "deep/er/est"]) expect(modeOf(path)).toBe(0o750);
  });

  it("leaves an existing directory as it is", async () => {
    mkdirSync(join(target, "there"), { mode: 0o755 });
    writeFileSync(join(target, "there/file"), "kept");
    await apply([{ action: "mkdir", path: "/there", mode: 0o700, makeParents: false, chown: null }]);
    expect(read("there/file")).toBe("kept");
    expect(modeOf("there")).toBe(0o755);
  });

  it.runIf(asRoot)("chowns what mkdir and mkfile make", async () => {
    await apply([
      { action: "mkdir", path: "/owned/dir", mode: 0o755, makeParents: true, chown: "42:43" },
      { action: "mkfile", path: "/owned/file", data: "", mode: 0o600, chown: "42" },
    ]);
    expect(ownerOf("owned")).toBe("42:43");
    expect(ownerOf("owned/dir")).toBe("42:43");
    expect(ownerOf("owned/file")).toBe("42:42");
  });

  it("writes a file as UTF-8 with its mode, overwriting one that was there", async () => {
    writeFileSync(join(target, "f"), "old content that is longer", { mode: 0o600 });
    await apply([{ action: "mkfile", path: "/f", data: "héllo ✓", mode: 0o644, chown: null }]);
    expect(readFileSync(join(target, "f"))).toEqual(Buffer.from("héllo ✓", "utf8"));
    expect(modeOf("f")).toBe(0o644);
  });

  it("removes files, trees and symlinks (not what they point to)", async () => {
    writeTree(target, { "gone.txt": "x", "tree/a/b": "y", "kept/file": "z" });
    symlinkSync("/kept", join(target, "link"));
    await apply([
      { action: "rm", path: "/gone.txt", allowNotFound: false },
      { action: "rm", path: "/tree", allowNotFound: false },
      { action: "rm", path: "/link", allowNotFound: false },
    ]);
    expect(listTree(target)).toEqual(["kept/", "kept/file"]);
  });

  it("fails on a missing path unless allowed", async () => {
    await apply([{ action: "rm", path: "/missing", allowNotFound: true }]);
    await expect(apply([{ action: "rm", path: "/missing", allowNotFound: false }])).rejects.toThrow(/no such file or directory/);
  });

  it("never removes the root", async () => {
    writeTree(target, { "a/file": "x" });
    for (const path of ["/", ".", "/a/.."]) await expect(apply([{ action: "rm", path, allowNotFound: true }])).rejects.toThrow(/root of the file system/);
    expect(read("a/file")).toBe("x");
  });

  it("makes a symlink with the target as written", async () => {
    mkdirSync(join(target, "bin"));
    await apply([{ action: "symlink", path: "/bin/sh", target: "/bin/busybox" }, { action: "symlink", path: "/bin/rel", target: "../up" }]);
    expect(readlinkSync(join(target, "bin/sh"))).toBe("/bin/busybox");
    expect(readlinkSync(join(target, "bin/rel"))).toBe("../up");
    await expect(apply([{ action: "symlink", path: "/bin/sh", target: "x" }])).rejects.toThrow(/EEXIST/);
  });

  it("applies the actions in order", async () => {
    await apply([
      { action: "mkdir", path: "/d", mode: 0o755, makeParents: false, chown: null },
      { action: "mkfile", path: "/d/f", data: "1", mode: 0o644, chown: null },
      copy("a.txt", "/d/"),
      { action: "rm", path: "/d/f", allowNotFound: false },
    ]);
    expect(listTree(target)).toEqual(["d/", "d/a.txt"]);
    expect(statSync(join(target, "d")).isDirectory()).toBe(true);
  });
});
