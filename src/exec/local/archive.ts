/**
 * Tar archives for the local backend: unpacking a local file the way
 * BuildKit's ADD does (with tar-unpack.ts, which also applies image
 * layers), and packing a root filesystem into an image layer.
 */
import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, readlink, rm } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Header, type HeaderData, Pax } from "tar";
import { PathEscapeError } from "./paths.js";
import { decompressed, detectCompression, UnpackError, unpackTar } from "./tar-unpack.js";
import { RUNNING_AS_ROOT } from "./users.js";
import { walkTree } from "./context.js";

/** A file that looks like an archive but cannot be unpacked, or a missing decompressor. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";

  constructor(
    /** The archive, as the caller named it. */
    readonly file: string,
    /** What is wrong, phrased to follow "<file name>: ". */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${basename(file)}: ${reason}`, options);
  }
}

const TAR_BLOCK = 512;

/**
 * Unpacks `file` into the existing directory `dest` if it is a tar archive,
 * plain or compressed with gzip, bzip2, xz or zstd (recognised by content,
 * not name), and returns true; returns false, writing nothing, if it is not
 * an archive. What is kept and how members are confined: see `unpackTar`.
 *
 * @throws ArchiveError when the archive is corrupt or truncated, a member
 *   would land outside `dest`, or a needed decompressor is not installed.
 */
export async function extractArchive(file: string, dest: string): Promise<boolean> {
  try {
    const stream = decompressed(file, await detectCompression(file))[Symbol.asyncIterator]();
    const head = await readAtLeast(stream, TAR_BLOCK);
    if (!startsWithTarHeader(Buffer.concat(head))) {
      await stream.return?.(undefined);
      return false;
    }
    await unpackTar(resumed(head, stream), dest);
    return true;
  } catch (error) {
    throw asArchiveError(error, file);
  }
}

function asArchiveError(error: unknown, file: string): unknown {
  if (error instanceof PathEscapeError) {
    return new ArchiveError(file, `member ${JSON.stringify(error.path)} points outside the destination`, { cause: error });
  }
  if (!(error instanceof UnpackError)) return error;
  const reason = error.member === undefined ? error.reason : `cannot extract ${JSON.stringify(error.member)}: ${error.reason}`;
  return new ArchiveError(file, reason, { cause: error });
}

/** Reads chunks until `count` bytes are buffered or the stream ends. */
async function readAtLeast(stream: AsyncIterator<Buffer>, count: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < count) {
    const next = await stream.next();
    if (next.done === true) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  return chunks;
}

async function* resumed(head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.(undefined);
  }
}

/** Like Go's archive/tar, which BuildKit uses: an archive is data whose first block is a valid header. */
function startsWithTarHeader(data: Buffer): boolean {
  if (data.length < TAR_BLOCK) return false;
  const header = new Header(data.subarray(0, TAR_BLOCK));
  return header.cksumValid && !header.nullBlock && header.path !== undefined && header.path !== "";
}

/**
 * Writes `rootfs`'s contents as a gzip-compressed tar layer to `destFile`.
 * The same tree always gives the same bytes (see `tarDirectory`; gzip from
 * node:zlib writes no file name and a zero time).
 *
 * @returns the digest and size of the compressed blob, and the digest of
 *   the uncompressed tar (the image config's diff ID).
 */
export async function writeLayer(rootfs: string, destFile: string): Promise<{ digest: string; diffId: string; size: number }> {
  const tarHash = createHash("sha256");
  const blobHash = createHash("sha256");
  let size = 0;
  try {
    await pipelineAsync(
      tarDirectory(rootfs),
      hashing(tarHash, () => {}),
      createGzip(),
      hashing(blobHash, (length) => (size += length)),
      createWriteStream(destFile),
    );
  } catch (error) {
    await rm(destFile, { force: true });
    throw error;
  }
  return { digest: `sha256:${blobHash.digest("hex")}`, diffId: `sha256:${tarHash.digest("hex")}`, size };
}

function hashing(hash: Hash, count: (length: number) => void) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      hash.update(chunk);
      count(chunk.length);
      yield chunk;
    }
  };
}

/**
 * A tar stream of the directory's contents: relative names without "./",
 * directories included (named with a trailing "/"), sorted byte-wise within
 * each directory, parents first. Only what the tree defines is recorded:
 * mode, size, whole-second mtime, symlink targets, hard links between files
 * of the tree, device numbers; no atime, ctime or user names, and PAX
 * records only for names too long or not ASCII. Ownership is recorded when
 * running as root; otherwise everything belongs to 0:0, as in a rootless
 * build.
 */
export async function* tarDirectory(root: string): AsyncGenerator<Buffer> {
  const firstPathOfInode = new Map<string, string>();
  for await (const { path, host: absolute, stats } of walkTree(root, () => "keep")) {
    const common: HeaderData = {
      mode: stats.mode & 0o7777,
      uid: RUNNING_AS_ROOT ? stats.uid : 0,
      gid: RUNNING_AS_ROOT ? stats.gid : 0,
      mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000),
      size: 0,
    };
    if (stats.isDirectory()) {
      yield memberHeader({ ...common, path: `${path}/`, type: "Directory" });
    } else if (stats.isSymbolicLink()) {
      yield memberHeader({ ...common, path, type: "SymbolicLink", linkpath: await readlink(absolute) });
    } else if (stats.isFile()) {
      const inode = `${stats.dev}:${stats.ino}`;
      const linkpath = stats.nlink > 1 ? firstPathOfInode.get(inode) : undefined;
      if (linkpath !== undefined) {
        yield memberHeader({ ...common, path, type: "Link", linkpath });
        continue;
      }
      if (stats.nlink > 1) firstPathOfInode.set(inode, path);
      yield memberHeader({ ...common, path, type: "File", size: stats.size });
      yield* fileContents(absolute, stats.size);
    } else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      const type = stats.isCharacterDevice() ? "CharacterDevice" : "BlockDevice";
      yield memberHeader({ ...common, path, type, devmaj: deviceMajor(stats.rdev), devmin: deviceMinor(stats.rdev) });
    } else if (stats.isFIFO()) {
      yield memberHeader({ ...common, path, type: "FIFO" });
    }
    // Sockets cannot be archived; tar tools skip them too.
  }
  yield Buffer.alloc(2 * TAR_BLOCK);
}

function memberHeader(fields: HeaderData): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  const needsPax = new Header(fields).encode(block);
  if (!needsPax) return block;
  // Only the names go to the PAX record: oversized numbers are already
  // stored in the header in GNU base-256 form.
  return Buffer.concat([new Pax({ path: fields.path, linkpath: fields.linkpath }).encode(), block]);
}

async function* fileContents(path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(path, "r");
  try {
    let remaining = size;
    while (remaining > 0) {
      const buffer = Buffer.alloc(Math.min(remaining, 1 << 20));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw new Error(`${path} shrank while it was being archived`);
      remaining -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
    const padding = (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
    if (padding > 0) yield Buffer.alloc(padding);
  } finally {
    await handle.close();
  }
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/gnu_dev_minor). */
function deviceMajor(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

function deviceMinor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}
