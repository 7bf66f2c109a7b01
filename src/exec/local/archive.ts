/**
 * Tar archives for the local backend: unpacking a local file the way
 * BuildKit's ADD does, and packing a root filesystem into an image layer.
 *
 * Archive members are written with chroot-like path resolution (see
 * `resolveInside`), so neither member names nor symlinks planted by the
 * archive can direct a write outside the destination, while symlink targets
 * themselves are kept verbatim, as a root filesystem needs them.
 */
import { spawn } from "node:child_process";
import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream, type Stats } from "node:fs";
import {
  chmod,
  chown,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  readdir,
  readlink,
  rm,
  symlink,
  unlink,
  utimes,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { Header, type HeaderData, Parser, Pax, type ReadEntry } from "tar";

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
/** Linux's own limit (MAXSYMLINKS is 40); an archive cannot make us loop. */
const MAX_SYMLINKS_FOLLOWED = 40;

interface Compression {
  readonly format: string;
  readonly magic: Buffer;
  /** The system decompressor, for formats node:zlib does not read. */
  readonly tool?: { readonly command: string; readonly debianPackage: string };
}

/** The compressions BuildKit's ADD recognises, by their leading bytes. */
const COMPRESSIONS: readonly Compression[] = [
  { format: "gzip", magic: Buffer.from([0x1f, 0x8b]) },
  { format: "bzip2", magic: Buffer.from("BZh"), tool: { command: "bzip2", debianPackage: "bzip2" } },
  { format: "xz", magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), tool: { command: "xz", debianPackage: "xz-utils" } },
  { format: "zstd", magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tool: { command: "zstd", debianPackage: "zstd" } },
];

/**
 * Unpacks `file` into the existing directory `dest` if it is a tar archive,
 * plain or compressed (recognised by content, not name), and returns true;
 * returns false, writing nothing, if it is not an archive.
 *
 * Modes, symlinks, hard links, directories and modification times are kept;
 * numeric ownership only when running as root. Device nodes and FIFOs are
 * skipped: creating them needs mknod, which Node does not offer.
 *
 * @throws ArchiveError when the archive is corrupt or truncated, a member
 *   would land outside `dest`, or a needed decompressor is not installed.
 */
export async function extractArchive(file: string, dest: string): Promise<boolean> {
  const compression = detectCompression(await readLeadingBytes(file, 8));
  const stream = decompressed(file, compression)[Symbol.asyncIterator]();
  const head = await readAtLeast(stream, TAR_BLOCK);
  if (!startsWithTarHeader(Buffer.concat(head))) {
    await stream.return?.(undefined);
    return false;
  }
  await unpackTar(resumed(head, stream), dest, file);
  return true;
}

async function readLeadingBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function detectCompression(leading: Buffer): Compression | null {
  return COMPRESSIONS.find(({ magic }) => leading.subarray(0, magic.length).equals(magic)) ?? null;
}

/** The archive's bytes after decompression; decompression failures are ArchiveErrors. */
function decompressed(file: string, compression: Compression | null): AsyncIterable<Buffer> {
  if (compression === null) return createReadStream(file);
  if (compression.tool !== undefined) return toolOutput(file, compression.format, compression.tool);
  return gunzipped(file);
}

async function* gunzipped(file: string): AsyncGenerator<Buffer> {
  // pipeline() forwards a read error to the gunzip stream and tears both down
  // when the consumer stops early.
  const output = pipeline(createReadStream(file), createGunzip(), () => {});
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } catch (error) {
    throw new ArchiveError(file, `corrupt gzip data (${errorMessage(error)})`, { cause: error });
  } finally {
    output.destroy();
  }
}

async function* toolOutput(file: string, format: string, tool: NonNullable<Compression["tool"]>): AsyncGenerator<Buffer> {
  const child = spawn(tool.command, ["-dc", "--", file], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null | Error>((resolve) => {
    child.once("error", resolve);
    child.once("close", (status: number | null) => resolve(status));
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const status = await exited;
    if (status instanceof Error) {
      const missing = (status as NodeJS.ErrnoException).code === "ENOENT";
      const reason = missing
        ? `cannot decompress ${format} data: "${tool.command}" is not installed (Debian package ${tool.debianPackage})`
        : `cannot run ${tool.command}: ${status.message}`;
      throw new ArchiveError(file, reason, { cause: status });
    }
    if (status !== 0) {
      const detail = stderr.trim().split("\n")[0] || `${tool.command} exited with status ${String(status)}`;
      throw new ArchiveError(file, `corrupt ${format} data (${detail})`);
    }
  } finally {
    // The consumer stopped early (not an archive, or extraction failed).
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
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

/** Feeds the tar stream to a parser and writes its members one at a time, in order. */
async function unpackTar(data: AsyncIterable<Buffer>, dest: string, file: string): Promise<void> {
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  const writer = new MemberWriter(dest, file);
  let failure: { readonly error: unknown } | undefined;
  let current: ReadEntry | undefined;
  let signalFailure = (): void => {};
  const failed = new Promise<void>((resolve) => (signalFailure = resolve));
  const fail = (error: unknown): void => {
    failure ??= { error };
    // Stops a member write that would otherwise wait forever for body bytes.
    current?.destroy();
    signalFailure();
  };

  let written = Promise.resolve();
  parser.on("entry", (entry: ReadEntry) => {
    written = written.then(async () => {
      if (failure !== undefined) return void entry.resume();
      current = entry;
      try {
        await writer.write(entry);
      } catch (error) {
        fail(error);
      } finally {
        current = undefined;
        entry.resume();
      }
    });
  });
  parser.on("error", fail);
  const parsed = new Promise<void>((resolve) => parser.once("end", resolve));

  try {
    for await (const chunk of data) {
      if (failure !== undefined) break;
      if (!parser.write(chunk)) await Promise.race([new Promise((resolve) => parser.once("drain", resolve)), failed]);
    }
    if (failure === undefined) {
      parser.end();
      await Promise.race([parsed, failed]);
    }
  } catch (error) {
    fail(error);
  }
  await written;
  if (failure === undefined) {
    try {
      await writer.finish();
    } catch (error) {
      fail(error);
    }
  }
  if (failure !== undefined) throw asArchiveError(failure.error, file);
}

function asArchiveError(error: unknown, file: string): ArchiveError {
  if (error instanceof ArchiveError) return error;
  // node-tar prefixes its messages with a code such as "TAR_BAD_ARCHIVE: ".
  return new ArchiveError(file, `corrupt tar data (${errorMessage(error).replace(/^TAR_[A-Z_]+: /, "")})`, { cause: error });
}

interface DirectoryAttributes {
  readonly mode: number;
  readonly mtime: Date | undefined;
}

/** Writes archive members below `dest`, one at a time. */
class MemberWriter {
  private readonly keepOwner = process.getuid?.() === 0;
  /**
   * Directory modes and times are applied after all members are written, so
   * a read-only directory can still receive its contents and a directory's
   * time is not disturbed by adding them.
   */
  private readonly directories = new Map<string, DirectoryAttributes>();

  constructor(
    private readonly dest: string,
    private readonly file: string,
  ) {}

  async write(entry: ReadEntry): Promise<void> {
    try {
      await this.writeMember(entry);
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      throw new ArchiveError(this.file, `cannot extract ${JSON.stringify(entry.path)}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async finish(): Promise<void> {
    // Deepest first: making a parent unsearchable must not block its children.
    const paths = [...this.directories.keys()].sort((a, b) => b.length - a.length);
    for (const path of paths) {
      const { mode, mtime } = this.directories.get(path)!;
      try {
        if (!(await lstatOrNull(path))?.isDirectory()) continue;
        await chmod(path, mode);
        if (mtime !== undefined) await utimes(path, mtime, mtime);
      } catch (error) {
        throw new ArchiveError(this.file, `cannot set the mode and time of ${path}: ${errorMessage(error)}`, { cause: error });
      }
    }
  }

  private async writeMember(entry: ReadEntry): Promise<void> {
    const target = await resolveInside(this.dest, this.memberComponents(entry.path));
    switch (entry.type) {
      case "Directory":
      case "GNUDumpDir":
        return this.writeDirectory(entry, target);
      case "File":
      case "OldFile":
      case "ContiguousFile":
        return this.replacing(target, () => this.writeFile(entry, target));
      case "SymbolicLink":
        return this.replacing(target, () => this.writeSymlink(entry, target));
      case "Link":
        return this.replacing(target, () => this.writeHardLink(entry, target));
      case "CharacterDevice":
      case "BlockDevice":
      case "FIFO":
        return;
      default:
        throw new ArchiveError(this.file, `${JSON.stringify(entry.path)} has an unsupported type (${entry.type})`);
    }
  }

  /**
   * The member name's components relative to `dest`. Like Docker, absolute
   * names are taken as relative and names that climb out are refused.
   */
  private memberComponents(name: string): string[] {
    const components: string[] = [];
    for (const part of name.split("/")) {
      if (part === "" || part === ".") continue;
      if (part !== "..") components.push(part);
      else if (components.pop() === undefined) {
        throw new ArchiveError(this.file, `member ${JSON.stringify(name)} points outside the destination`);
      }
    }
    return components;
  }

  private async writeDirectory(entry: ReadEntry, target: string): Promise<void> {
    const existing = await lstatOrNull(target);
    if (existing !== null && !existing.isDirectory()) await unlink(target);
    if (existing === null || !existing.isDirectory()) {
      await mkdir(dirname(target), { recursive: true });
      await mkdir(target, { mode: 0o700 });
    }
    await this.setOwner(entry, target);
    this.directories.set(target, { mode: permissions(entry.mode, 0o755), mtime: entry.mtime });
  }

  /** Runs `create` after removing whatever is at `target`, with its parents in place. */
  private async replacing(target: string, create: () => Promise<void>): Promise<void> {
    if (target === this.dest) throw new ArchiveError(this.file, "a member that is not a directory would replace the destination");
    const existing = await lstatOrNull(target);
    if (existing?.isDirectory() === true) await rm(target, { recursive: true });
    else if (existing !== null) await unlink(target);
    else await mkdir(dirname(target), { recursive: true });
    await create();
  }

  private async writeFile(entry: ReadEntry, target: string): Promise<void> {
    // "wx" refuses to follow anything that appeared at `target` meanwhile.
    const handle = await open(target, "wx", 0o600);
    let written = 0;
    try {
      for await (const chunk of entry) {
        await handle.write(chunk);
        written += chunk.length;
      }
      if (written !== entry.size) {
        throw new ArchiveError(this.file, `member ${JSON.stringify(entry.path)} is truncated (${written} of ${entry.size} bytes)`);
      }
      // Owner before mode: chown clears the setuid and setgid bits.
      if (this.keepOwner) await handle.chown(entry.uid ?? 0, entry.gid ?? 0);
      await handle.chmod(permissions(entry.mode, 0o644));
      if (entry.mtime !== undefined) await handle.utimes(entry.mtime, entry.mtime);
    } catch (error) {
      await handle.close();
      await rm(target, { force: true });
      throw error;
    }
    await handle.close();
  }

  private async writeSymlink(entry: ReadEntry, target: string): Promise<void> {
    await symlink(entry.linkpath ?? "", target);
    if (this.keepOwner) await lchown(target, entry.uid ?? 0, entry.gid ?? 0);
    if (entry.mtime !== undefined) await lutimes(target, entry.mtime, entry.mtime);
  }

  private async writeHardLink(entry: ReadEntry, target: string): Promise<void> {
    const linkpath = entry.linkpath ?? "";
    const source = await resolveInside(this.dest, this.memberComponents(linkpath));
    if ((await lstatOrNull(source)) === null) {
      throw new ArchiveError(this.file, `hard link ${JSON.stringify(entry.path)} points to ${JSON.stringify(linkpath)}, which the archive has not created`);
    }
    await link(source, target);
  }

  private async setOwner(entry: ReadEntry, target: string): Promise<void> {
    if (this.keepOwner) await chown(target, entry.uid ?? 0, entry.gid ?? 0);
  }
}

function permissions(mode: number | undefined, fallback: number): number {
  return mode === undefined ? fallback : mode & 0o7777;
}

/**
 * The path of `components` inside `root`, resolved as if `root` were the
 * file system root: symlinks are followed, but an absolute target starts at
 * `root` and ".." stops there. The last component is never followed, so a
 * member replaces a symlink instead of writing through it.
 */
async function resolveInside(root: string, components: readonly string[]): Promise<string> {
  const resolved: string[] = [];
  const pending = [...components];
  let followed = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    if (pending.length === 0) {
      resolved.push(part);
      break;
    }
    const path = join(root, ...resolved, part);
    const stats = await lstatOrNull(path);
    if (stats?.isSymbolicLink() === true) {
      if (++followed > MAX_SYMLINKS_FOLLOWED) throw new Error(`too many levels of symbolic links at ${path}`);
      const target = await readlink(path);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/"));
      continue;
    }
    if (stats !== null && !stats.isDirectory()) throw new Error(`${path} is not a directory`);
    resolved.push(part);
  }
  return join(root, ...resolved);
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  const keepOwner = process.getuid?.() === 0;
  const firstPathOfInode = new Map<string, string>();
  for await (const { path, absolute, stats } of walk(root, "")) {
    const common: HeaderData = {
      mode: stats.mode & 0o7777,
      uid: keepOwner ? stats.uid : 0,
      gid: keepOwner ? stats.gid : 0,
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

async function* walk(root: string, relative: string): AsyncGenerator<{ path: string; absolute: string; stats: Stats }> {
  const names = await readdir(join(root, relative));
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const path = relative === "" ? name : `${relative}/${name}`;
    const absolute = join(root, path);
    const stats = await lstat(absolute);
    yield { path, absolute, stats };
    if (stats.isDirectory()) yield* walk(root, path);
  }
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
