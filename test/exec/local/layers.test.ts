import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header, type HeaderData } from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyLayer, LayerError } from "../../../src/exec/local/layers.js";

const GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const TAR_LAYER = "application/vnd.oci.image.layer.v1.tar";

interface Entry extends HeaderData {
  readonly content?: string;
}

/** A tar archive written header by header, so names no tar tool would produce (`../x`) can be tested. */
function tarArchive(entries: readonly Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { content, ...header } of entries) {
    const data = Buffer.from(content ?? "");
    const type = header.type ?? "File";
    const block = Buffer.alloc(512);
    new Header({ mode: type === "Directory" ? 0o755 : 0o644, uid: 0, gid: 0, mtime: new Date(1_000_000_000_000), ...header, type, size: data.length }).encode(block, 0);
    blocks.push(block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

let work: string;
let rootfs: string;
let layerCount = 0;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "dfc-layers-"));
  rootfs = join(work, "rootfs");
  mkdirSync(rootfs);
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

async function apply(entries: readonly Entry[], options: { gzip?: boolean } = {}): Promise<void> {
  const file = join(work, `layer-${layerCount++}.tar`);
  const archive = tarArchive(entries);
  writeFileSync(file, options.gzip === false ? archive : gzipSync(archive));
  await applyLayer(file, options.gzip === false ? TAR_LAYER : GZIP_LAYER, rootfs);
}

const at = (path: string): string => join(rootfs, path);

describe("applyLayer", () => {
  it("creates files, directories and symlinks with their modes and times", async () => {
    await apply([
      { path: "./", type: "Directory" },
      { path: "./etc/", type: "Directory", mode: 0o750 },
      { path: "./etc/motd", content: "hello\n", mode: 0o640 },
      { path: "./usr/bin/tool", content: "#!/bin/sh\n", mode: 0o4755 },
      { path: "./etc/link", type: "SymbolicLink", linkpath: "/etc/motd" },
    ]);
    expect(readFileSync(at("etc/motd"), "utf8")).toBe("hello\n");
    expect(statSync(at("etc/motd")).mode & 0o7777).toBe(0o640);
    expect(statSync(at("etc")).mode & 0o7777).toBe(0o750);
    expect(statSync(at("usr/bin/tool")).mode & 0o7777).toBe(0o4755);
    // Symlink targets are kept verbatim: they are resolved inside the container.
    expect(readlinkSync(at("etc/link"))).toBe("/etc/motd");
    expect(statSync(at("etc/motd")).mtimeMs).toBe(1_000_000_000_000);
    expect(statSync(at("etc")).mtimeMs).toBe(1_000_000_000_000);
  });

  it("reads uncompressed layers, whatever the media type claims", async () => {
    const file = join(work, "plain.tar");
    writeFileSync(file, tarArchive([{ path: "a.txt", content: "plain" }]));
    await applyLayer(file, "application/vnd.docker.image.rootfs.diff.tar.gzip", rootfs);
    expect(readFileSync(at("a.txt"), "utf8")).toBe("plain");
  });

  it("replaces files with directories and directories with files, and merges directories", async () => {
    await apply([
      { path: "x", content: "file" },
      { path: "y/", type: "Directory" },
      { path: "y/inner", content: "inner" },
      { path: "z/", type: "Directory" },
      { path: "z/lower", content: "lower" },
    ]);
    await apply([
      { path: "x/", type: "Directory" },
      { path: "y", content: "now a file" },
      { path: "z/", type: "Directory" },
      { path: "z/upper", content: "upper" },
    ]);
    expect(statSync(at("x")).isDirectory()).toBe(true);
    expect(readFileSync(at("y"), "utf8")).toBe("now a file");
    expect(readFileSync(at("z/lower"), "utf8")).toBe("lower");
    expect(readFileSync(at("z/upper"), "utf8")).toBe("upper");
  });

  it("deletes lower files and directories named by whiteouts", async () => {
    await apply([
      { path: "etc/keep", content: "k" },
      { path: "etc/gone", content: "g" },
      { path: "var/cache/", type: "Directory" },
      { path: "var/cache/big", content: "b" },
    ]);
    await apply([
      { path: "etc/.wh.gone" },
      { path: "var/.wh.cache" },
      { path: "var/.wh.never-existed" },
    ]);
    expect(existsSync(at("etc/gone"))).toBe(false);
    expect(existsSync(at("etc/.wh.gone"))).toBe(false);
    expect(readFileSync(at("etc/keep"), "utf8")).toBe("k");
    expect(existsSync(at("var/cache"))).toBe(false);
    expect(existsSync(at("var"))).toBe(true);
  });

  it("does not let a whiteout hide a file of its own layer", async () => {
    await apply([{ path: "f", content: "lower" }]);
    await apply([{ path: "f", content: "same layer" }, { path: ".wh.f" }]);
    expect(readFileSync(at("f"), "utf8")).toBe("same layer");
  });

  it("empties opaque directories of lower content but keeps the layer's own", async () => {
    await apply([
      { path: "app/old.txt", content: "old" },
      { path: "app/sub/deep.txt", content: "deep" },
      { path: "app/kept/lower.txt", content: "lower" },
      { path: "other/stay.txt", content: "stay" },
    ]);
    await apply([
      { path: "app/", type: "Directory" },
      // Written before the marker: the marker still applies only to lower layers.
      { path: "app/kept/new.txt", content: "new" },
      { path: "app/.wh..wh..opq" },
      { path: "app/fresh.txt", content: "fresh" },
    ]);
    expect(existsSync(at("app/old.txt"))).toBe(false);
    expect(existsSync(at("app/sub"))).toBe(false);
    expect(existsSync(at("app/kept/lower.txt"))).toBe(false);
    expect(readFileSync(at("app/kept/new.txt"), "utf8")).toBe("new");
    expect(readFileSync(at("app/fresh.txt"), "utf8")).toBe("fresh");
    expect(existsSync(at("app/.wh..wh..opq"))).toBe(false);
    expect(readFileSync(at("other/stay.txt"), "utf8")).toBe("stay");
  });

  it("makes hard links that share the file", async () => {
    await apply([
      { path: "bin/busybox", content: "binary", mode: 0o755 },
      { path: "bin/sh", type: "Link", linkpath: "bin/busybox" },
      { path: "./bin/ls", type: "Link", linkpath: "./bin/busybox" },
    ]);
    expect(statSync(at("bin/sh")).ino).toBe(statSync(at("bin/busybox")).ino);
    expect(statSync(at("bin/ls")).ino).toBe(statSync(at("bin/busybox")).ino);
    expect(statSync(at("bin/busybox")).nlink).toBe(3);
  });

  it("keeps numeric owners when running as root", async (context) => {
    if (process.getuid?.() !== 0) context.skip();
    await apply([
      { path: "home/app/", type: "Directory", uid: 1000, gid: 1001 },
      { path: "home/app/file", content: "x", uid: 1000, gid: 1001, mode: 0o2755 },
      { path: "home/app/link", type: "SymbolicLink", linkpath: "file", uid: 1002, gid: 1003 },
    ]);
    expect(statSync(at("home/app")).uid).toBe(1000);
    expect(statSync(at("home/app/file")).gid).toBe(1001);
    // chown clears set-group-ID; the mode is set after it.
    expect(statSync(at("home/app/file")).mode & 0o7777).toBe(0o2755);
    expect(lstatSync(at("home/app/link")).uid).toBe(1002);
  });

  it("refuses zstd layers with a clear error", async () => {
    const file = join(work, "layer.tar.zst");
    writeFileSync(file, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    await expect(applyLayer(file, "application/vnd.oci.image.layer.v1.tar+zstd", rootfs)).rejects.toThrow(/zstd-compressed layers are not supported/);
    await expect(applyLayer(file, GZIP_LAYER, rootfs)).rejects.toThrow(/zstd-compressed layers are not supported/);
  });

  it("rejects a corrupt archive", async () => {
    const file = join(work, "bad.tar");
    const archive = tarArchive([{ path: "a", content: "x" }]);
    archive[0] = archive[0]! ^ 0xff;
    writeFileSync(file, archive);
    await expect(applyLayer(file, TAR_LAYER, rootfs)).rejects.toThrow();
  });
});

describe("applyLayer never writes outside the root", () => {
  let outside: string;

  beforeEach(() => {
    outside = join(work, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "secret"), "secret");
  });

  it("refuses entries with ..", async () => {
    await expect(apply([{ path: "../outside/pwned", content: "x" }])).rejects.toThrow(LayerError);
    await expect(apply([{ path: "a/../../outside/pwned", content: "x" }])).rejects.toThrow(/escapes the root/);
    expect(existsSync(join(outside, "pwned"))).toBe(false);
  });

  it("treats absolute names as relative to the root", async () => {
    await apply([{ path: `${outside}/pwned`, content: "x" }]);
    expect(existsSync(join(outside, "pwned"))).toBe(false);
    expect(readFileSync(join(rootfs, outside, "pwned"), "utf8")).toBe("x");
  });

  it("follows symlinks as if the root were /", async () => {
    await apply([
      { path: "sub/abs", type: "SymbolicLink", linkpath: outside },
      { path: "rel", type: "SymbolicLink", linkpath: "../../../../../../.." },
      { path: "lib", type: "SymbolicLink", linkpath: "usr/lib" },
      { path: "usr/lib/", type: "Directory" },
    ]);
    await apply([
      { path: "sub/abs/pwned", content: "abs" },
      { path: "rel/pwned", content: "rel" },
      { path: "lib/libc.so", content: "libc" },
    ]);
    expect(existsSync(join(outside, "pwned"))).toBe(false);
    expect(readFileSync(join(rootfs, outside, "pwned"), "utf8")).toBe("abs");
    expect(readFileSync(at("pwned"), "utf8")).toBe("rel");
    expect(readFileSync(at("usr/lib/libc.so"), "utf8")).toBe("libc");
  });

  it("stops \"..\" in a symlink target below a missing directory at the root", async () => {
    await apply([{ path: "trick", type: "SymbolicLink", linkpath: "missing/../../../../../.." }]);
    await apply([{ path: "trick/pwned", content: "x" }]);
    expect(existsSync(join(work, "pwned"))).toBe(false);
    expect(readFileSync(at("pwned"), "utf8")).toBe("x");
  });

  it("replaces a symlink rather than writing through it", async () => {
    symlinkSync(join(outside, "secret"), at("secret"));
    await apply([{ path: "secret", content: "overwritten?" }]);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("secret");
    expect(lstatSync(at("secret")).isSymbolicLink()).toBe(false);
  });

  it("does not follow a symlink named by a whiteout", async () => {
    symlinkSync(outside, at("escape"));
    await apply([{ path: "escape/.wh.secret" }]);
    await apply([{ path: ".wh.escape" }]);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("secret");
    expect(existsSync(at("escape"))).toBe(false);
  });

  it("refuses whiteouts that name a parent directory", async () => {
    await expect(apply([{ path: "dir/.wh.." }])).rejects.toThrow(/not a valid whiteout/);
    await expect(apply([{ path: ".wh..." }])).rejects.toThrow(/not a valid whiteout/);
    expect(existsSync(rootfs)).toBe(true);
  });

  it("does not hard-link files from outside the root", async () => {
    await expect(apply([{ path: "stolen", type: "Link", linkpath: "../outside/secret" }])).rejects.toThrow(/escapes the root/);
    await apply([{ path: "out", type: "SymbolicLink", linkpath: outside }]);
    await expect(apply([{ path: "stolen", type: "Link", linkpath: "out/secret" }])).rejects.toThrow(/hard link target out\/secret is missing/);
    expect(statSync(join(outside, "secret")).nlink).toBe(1);
  });
});
