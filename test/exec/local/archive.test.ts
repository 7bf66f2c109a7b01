import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, linkSync, chmodSync, writeFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { create as createTar, Header, type HeaderData } from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, extractArchive, writeLayer } from "../../../src/exec/local/archive.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const BIG = randomBytes(1024 * 1024 + 17);

/** A tree with every kind of member ADD has to keep. */
function makeTree(): string {
  const root = tempDir("tree");
  writeFileSync(join(root, "hello.txt"), "hello\n");
  mkdirSync(join(root, "bin"));
  writeFileSync(join(root, "bin/run.sh"), "#!/bin/sh\necho hi\n");
  chmodSync(join(root, "bin/run.sh"), 0o750);
  writeFileSync(join(root, "secret"), "s3cret");
  chmodSync(join(root, "secret"), 0o600);
  mkdirSync(join(root, "dir/nested"), { recursive: true });
  writeFileSync(join(root, "dir/nested/big.bin"), BIG);
  mkdirSync(join(root, "private"));
  chmodSync(join(root, "private"), 0o700);
  symlinkSync("hello.txt", join(root, "link"));
  symlinkSync("/etc/passwd", join(root, "absolute-link"));
  linkSync(join(root, "hello.txt"), join(root, "hard.txt"));
  utimesSync(join(root, "hello.txt"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
  return root;
}

function expectSameTree(source: string, copy: string): void {
  expect(readFileSync(join(copy, "hello.txt"), "utf8")).toBe("hello\n");
  expect(readFileSync(join(copy, "dir/nested/big.bin")).equals(BIG)).toBe(true);
  expect(statSync(join(copy, "bin/run.sh")).mode & 0o7777).toBe(0o750);
  expect(statSync(join(copy, "secret")).mode & 0o7777).toBe(0o600);
  expect(statSync(join(copy, "private")).mode & 0o7777).toBe(0o700);
  expect(readlinkSync(join(copy, "link"))).toBe("hello.txt");
  expect(readlinkSync(join(copy, "absolute-link"))).toBe("/etc/passwd");
  expect(statSync(join(copy, "hard.txt")).ino).toBe(statSync(join(copy, "hello.txt")).ino);
  expect(statSync(join(copy, "hello.txt")).mtime.toISOString()).toBe("2020-01-02T03:04:05.000Z");
  expect(readdirSync(copy).sort()).toEqual(readdirSync(source).sort());
}

function plainTarOf(root: string): string {
  const file = join(tempDir("archives"), "tree.tar");
  createTar({ cwd: root, file, sync: true }, ["."]);
  return file;
}

/** Compresses with a system tool, as a user preparing an ADD source would. */
function compressWith(command: string, file: string, suffix: string): string {
  const result = spawnSync(command, ["-c", file], { maxBuffer: 64 * 1024 * 1024 });
  expect(result.status, String(result.stderr)).toBe(0);
  const out = `${file}${suffix}`;
  writeFileSync(out, result.stdout);
  return out;
}

interface RawMember extends HeaderData {
  readonly body?: string;
}

/** A tar written header by header, so it can hold what no honest tool writes. */
function rawTar(members: readonly RawMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { body = "", ...fields } of members) {
    const header = Buffer.alloc(512);
    new Header({ mode: 0o644, mtime: new Date(0), type: "File", size: Buffer.byteLength(body), ...fields }).encode(header);
    blocks.push(header);
    if (body !== "") {
      const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
      data.write(body);
      blocks.push(data);
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A destination with a sibling directory that nothing may touch. */
function sandbox(): { dest: string; outside: string } {
  const root = tempDir("sandbox");
  const dest = join(root, "dest");
  const outside = join(root, "outside");
  mkdirSync(dest);
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "untouched");
  return { dest, outside };
}

function writeArchive(data: Buffer, name = "evil.tar"): string {
  const file = join(tempDir("archives"), name);
  writeFileSync(file, data);
  return file;
}

describe("extractArchive", () => {
  it.each([
    ["plain tar", (tar: string) => tar],
    ["gzip", (tar: string) => writeArchive(gzipSync(readFileSync(tar)), "tree.tgz")],
    ["xz", (tar: string) => compressWith("xz", tar, ".xz")],
    ["bzip2", (tar: string) => compressWith("bzip2", tar, ".bz2")],
  ])("unpacks a %s archive with modes, links, times and hard links", async (_, compress) => {
    const source = makeTree();
    const archive = compress(plainTarOf(source));
    const dest = tempDir("dest");
    await expect(extractArchive(archive, dest)).resolves.toBe(true);
    expectSameTree(source, dest);
  });

  // zstd is beyond what CI installs (.ci/run), so this one is skipped without the tool.
  it.runIf(spawnSync("zstd", ["--version"]).error === undefined)("unpacks a zstd archive", async () => {
    const source = makeTree();
    const dest = tempDir("dest");
    await expect(extractArchive(compressWith("zstd", plainTarOf(source), ".zst"), dest)).resolves.toBe(true);
    expectSameTree(source, dest);
  });

  it("recognises an archive by its content, not its name", async () => {
    const archive = writeArchive(gzipSync(readFileSync(plainTarOf(makeTree()))), "data.txt");
    const dest = tempDir("dest");
    await expect(extractArchive(archive, dest)).resolves.toBe(true);
    expect(readFileSync(join(dest, "hello.txt"), "utf8")).toBe("hello\n");
  });

  it.each([
    ["a text file", Buffer.from("just some text\n".repeat(100))],
    ["an empty file", Buffer.alloc(0)],
    ["gzip-compressed text", gzipSync("not a tar archive\n".repeat(100))],
    ["an empty tar (only end-of-archive blocks)", Buffer.alloc(1024)],
  ])("returns false and writes nothing for %s", async (_, data) => {
    const file = writeArchive(data, "archive.tar.gz");
    const dest = tempDir("dest");
    await expect(extractArchive(file, dest)).resolves.toBe(false);
    expect(readdirSync(dest)).toEqual([]);
  });

  it("refuses a member that climbs out with ..", async () => {
    const { dest, outside } = sandbox();
    const file = writeArchive(rawTar([{ path: "ok.txt", body: "fine" }, { path: "../outside/x", body: "pwned" }]));
    await expect(extractArchive(file, dest)).rejects.toThrow(/evil\.tar: member "\.\.\/outside\/x" points outside the destination/);
    expect(existsSync(join(outside, "x"))).toBe(false);
  });

  it("writes an absolute member below the destination", async () => {
    const { dest, outside } = sandbox();
    const file = writeArchive(rawTar([{ path: `${outside}/abs.txt`, body: "contained" }]));
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expect(existsSync(join(outside, "abs.txt"))).toBe(false);
    expect(readFileSync(join(dest, outside, "abs.txt"), "utf8")).toBe("contained");
  });

  it("resolves writes through the archive's own symlinks inside the destination", async () => {
    const { dest, outside } = sandbox();
    const file = writeArchive(
      rawTar([
        { path: "relative", type: "SymbolicLink", linkpath: "../outside" },
        { path: "relative/pwned", body: "1" },
        { path: "absolute", type: "SymbolicLink", linkpath: outside },
        { path: "absolute/pwned", body: "2" },
        { path: "chain", type: "SymbolicLink", linkpath: "relative/../../../.." },
        { path: "chain/pwned-chain", body: "3" },
      ]),
    );
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expect(readdirSync(outside)).toEqual(["secret"]);
    // The symlinks stay as the archive wrote them; only the writes are confined.
    expect(readlinkSync(join(dest, "relative"))).toBe("../outside");
    expect(readFileSync(join(dest, "outside/pwned"), "utf8")).toBe("1");
    expect(readFileSync(join(dest, outside, "pwned"), "utf8")).toBe("2");
    expect(readFileSync(join(dest, "pwned-chain"), "utf8")).toBe("3");
  });

  it("replaces a symlink with a member of the same name instead of writing through it", async () => {
    const { dest, outside } = sandbox();
    const file = writeArchive(
      rawTar([
        { path: "victim", type: "SymbolicLink", linkpath: join(outside, "secret") },
        { path: "victim", body: "replaced" },
      ]),
    );
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("untouched");
    expect(lstatSync(join(dest, "victim")).isFile()).toBe(true);
  });

  it("does not write through a symlink that already exists in the destination", async () => {
    const { dest, outside } = sandbox();
    symlinkSync(outside, join(dest, "planted"));
    const file = writeArchive(rawTar([{ path: "planted/secret", body: "overwritten" }]));
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("untouched");
  });

  it.each([["../outside/secret"], ["/outside/secret"]])("refuses a hard link to %s", async (linkpath) => {
    const { dest, outside } = sandbox();
    const file = writeArchive(rawTar([{ path: "hl", type: "Link", linkpath, size: 0 }]));
    await expect(extractArchive(file, dest)).rejects.toThrow(ArchiveError);
    expect(statSync(join(outside, "secret")).nlink).toBe(1);
    expect(existsSync(join(dest, "hl"))).toBe(false);
  });

  it("throws ArchiveError for corrupt xz data", async () => {
    const file = writeArchive(Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), randomBytes(4096)]), "rootfs.tar.xz");
    await expect(extractArchive(file, tempDir("dest"))).rejects.toThrow(/^rootfs\.tar\.xz: corrupt xz data/);
  });

  it("throws ArchiveError for corrupt bzip2 data", async () => {
    const file = writeArchive(Buffer.concat([Buffer.from("BZh9"), randomBytes(4096)]), "rootfs.tar.bz2");
    await expect(extractArchive(file, tempDir("dest"))).rejects.toThrow(/^rootfs\.tar\.bz2: corrupt bzip2 data/);
  });

  it("throws ArchiveError for a truncated gzip stream and removes the half-written member", async () => {
    const compressed = gzipSync(readFileSync(plainTarOf(makeTree())));
    const file = writeArchive(compressed.subarray(0, Math.floor(compressed.length / 2)), "rootfs.tar.gz");
    const dest = tempDir("dest");
    const error = await extractArchive(file, dest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as Error).message).toMatch(/^rootfs\.tar\.gz: corrupt gzip data/);
    // The big file straddles the cut: it must not be left behind, short.
    expect(existsSync(join(dest, "dir/nested/big.bin"))).toBe(false);
  });

  it("throws ArchiveError for a truncated plain tar", async () => {
    const tar = readFileSync(plainTarOf(makeTree()));
    const file = writeArchive(tar.subarray(0, 512 * 40), "rootfs.tar");
    await expect(extractArchive(file, tempDir("dest"))).rejects.toThrow(/^rootfs\.tar: corrupt tar data \(Truncated input/);
  });

  it("names the Debian package when the decompressor is missing", async () => {
    const file = writeArchive(Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), randomBytes(600)]), "rootfs.tar.xz");
    const path = process.env.PATH;
    process.env.PATH = tempDir("empty-path");
    try {
      await expect(extractArchive(file, tempDir("dest"))).rejects.toThrow(/"xz" is not installed \(Debian package xz-utils\)/);
    } finally {
      process.env.PATH = path;
    }
  });
});

/** The members of a tar, read header by header. */
function tarMembers(tar: Buffer): { header: Header; offset: number }[] {
  const members: { header: Header; offset: number }[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = new Header(tar, offset);
    if (header.nullBlock) break;
    members.push({ header, offset });
    offset += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
  }
  return members;
}

describe("writeLayer", () => {
  it("writes the same blob twice for the same tree, with digests of the blob and of the tar", async () => {
    const tree = makeTree();
    const out = tempDir("layers");
    const first = await writeLayer(tree, join(out, "first.tar.gz"));
    const second = await writeLayer(tree, join(out, "second.tar.gz"));
    expect(second).toEqual(first);

    const blob = readFileSync(join(out, "first.tar.gz"));
    expect(first.size).toBe(blob.length);
    expect(first.digest).toBe(`sha256:${createHash("sha256").update(blob).digest("hex")}`);
    expect(first.diffId).toBe(`sha256:${createHash("sha256").update(gunzipSync(blob)).digest("hex")}`);
    // gzip header: no modification time, no file name.
    expect(blob.readUInt32LE(4)).toBe(0);
    expect(blob[3]! & 0x08).toBe(0);
  });

  it("records relative, sorted names with directories and nothing that varies between writes", async () => {
    const tree = makeTree();
    const file = join(tempDir("layers"), "layer.tar.gz");
    await writeLayer(tree, file);
    const members = tarMembers(gunzipSync(readFileSync(file))).map(({ header }) => header);
    expect(members.map((header) => header.path)).toEqual([
      "absolute-link",
      "bin/",
      "bin/run.sh",
      "dir/",
      "dir/nested/",
      "dir/nested/big.bin",
      "hard.txt",
      "hello.txt",
      "link",
      "private/",
      "secret",
    ]);
    const byPath = new Map(members.map((header) => [header.path, header]));
    expect(byPath.get("hello.txt")?.type).toBe("Link");
    expect(byPath.get("hello.txt")?.linkpath).toBe("hard.txt");
    expect(byPath.get("bin/run.sh")?.mode).toBe(0o750);
    expect(byPath.get("private/")?.type).toBe("Directory");
    for (const header of members) {
      expect(header.atime).toBeUndefined();
      expect(header.ctime).toBeUndefined();
      expect(header.uname).toBe("");
    }
  });

  it("uses a PAX record only for a name that does not fit the header, and it round-trips", async () => {
    const tree = tempDir("tree");
    // The directory fits the ustar name and prefix fields; the file name does not.
    const longName = `${"d".repeat(60)}/${"f".repeat(120)}.txt`;
    mkdirSync(join(tree, "d".repeat(60)));
    writeFileSync(join(tree, longName), "long");
    writeFileSync(join(tree, "short.txt"), "short");
    const file = join(tempDir("layers"), "layer.tar.gz");
    await writeLayer(tree, file);
    const types = tarMembers(gunzipSync(readFileSync(file))).map(({ header }) => header.type);
    expect(types.filter((type) => type === "ExtendedHeader")).toHaveLength(1);

    const dest = tempDir("dest");
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expect(readFileSync(join(dest, longName), "utf8")).toBe("long");
  });

  it("round-trips through extractArchive", async () => {
    const tree = makeTree();
    const file = join(tempDir("layers"), "layer.tar.gz");
    await writeLayer(tree, file);
    const dest = tempDir("dest");
    await expect(extractArchive(file, dest)).resolves.toBe(true);
    expectSameTree(tree, dest);
  });
});
