/**
 * Unpacking tar files, plain or compressed, into a directory of this
 * machine: one implementation for ADD's local archives (archive.ts) and
 * for image layers (layers.ts), which differ only in how they word errors
 * and in the whiteouts a layer adds on top (see `UnpackOptions.intercept`).
 *
 * Archives are untrusted input. Member names that climb out with `..` are
 * refused; the rest are resolved as the container will see them, with
 * `resolveInRoot` in chroot mode, so neither member names nor symlinks
 * planted by the archive (or already in the destination) can direct a
 * write outside it. The last component is never followed: a member
 * replaces a symlink rather than writing through it. Symlink targets
 * themselves are kept verbatim, as a root filesystem needs them.
 */
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { chmod, lchown, link, lutimes, mkdir, open, rm, symlink, unlink, utimes } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { lstatOrNull } from "./lstat.js";
import { PathEscapeError, resolveInRoot } from "./paths.js";
import { RUNNING_AS_ROOT } from "./users.js";

/**
 * Why unpacking failed, for the caller to word for its users (ArchiveError,
 * LayerError). A member name that climbs out of the destination is a
 * {@link PathEscapeError} instead, naming that name.
 */
export class UnpackError extends Error {
  override readonly name = "UnpackError";

  constructor(
    /** The member that could not be written; undefined when the data itself is at fault. */
    readonly member: string | undefined,
    /** What is wrong, phrased to follow "<member>: " (or "<archive>: "). */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(member === undefined ? reason : `${member}: ${reason}`, options);
  }
}

export interface Compression {
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

/** The file's compression, read from its first bytes (names and media types can lie); null when it has none. */
export async function detectCompression(file: string): Promise<Compression | null> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(Math.max(...COMPRESSIONS.map(({ magic }) => magic.length)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const leading = buffer.subarray(0, bytesRead);
    return COMPRESSIONS.find(({ magic }) => leading.subarray(0, magic.length).equals(magic)) ?? null;
  } finally {
    await handle.close();
  }
}

/** The file's bytes after decompression; decompression failures are UnpackErrors. */
export function decompressed(file: string, compression: Compression | null): AsyncIterable<Buffer> {
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
    throw new UnpackError(undefined, `corrupt gzip data (${errorMessage(error)})`, { cause: error });
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
      throw new UnpackError(undefined, reason, { cause: status });
    }
    if (status !== 0) {
      const detail = stderr.trim().split("\n")[0] || `${tool.command} exited with status ${String(status)}`;
      throw new UnpackError(undefined, `corrupt ${format} data (${detail})`);
    }
  } finally {
    // The consumer stopped early (not an archive, or extraction failed).
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

export interface UnpackOptions {
  /**
   * Sees each member before it is written, with the host path it would be
   * written to (`dest` itself for the member "./"), and returns true when
   * it has dealt with the member, which is then not written: an image
   * layer's whiteouts. `written` holds the host paths written so far.
   * What it throws is reported as that member's failure.
   */
  readonly intercept?: (target: string, written: ReadonlySet<string>) => Promise<boolean>;
}

/**
 * Writes the members of the tar stream `data` below the existing directory
 * `dest`, one at a time, in order.
 *
 * Modes, symlinks, hard links, directories and modification times are kept;
 * numeric ownership only when running as root. Device nodes and FIFOs are
 * skipped: creating them needs mknod, which Node does not offer (rootless
 * containerd cannot create them either).
 *
 * @throws UnpackError for corrupt data or a member that cannot be written,
 *   PathEscapeError for a member name that climbs out of `dest`.
 */
export async function unpackTar(data: AsyncIterable<Buffer>, dest: string, options: UnpackOptions = {}): Promise<void> {
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  const writer = new MemberWriter(dest, options);
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
  if (failure !== undefined) throw asUnpackError(failure.error);
}

function asUnpackError(error: unknown): Error {
  if (error instanceof UnpackError || error instanceof PathEscapeError) return error;
  // node-tar prefixes its messages with a code such as "TAR_BAD_ARCHIVE: ".
  return new UnpackError(undefined, `corrupt tar data (${errorMessage(error).replace(/^TAR_[A-Z_]+: /, "")})`, { cause: error });
}

/** Member types that are skipped (see `unpackTar`). */
const NOT_CREATED: ReadonlySet<string> = new Set(["CharacterDevice", "BlockDevice", "FIFO"]);

interface DirectoryAttributes {
  readonly mode: number;
  readonly mtime: Date | undefined;
}

/** Writes archive members below `dest`, one at a time. */
class MemberWriter {
  private readonly dest: string;
  private readonly written = new Set<string>();
  /**
   * Directory modes and times are applied after all members are written, so
   * a read-only directory can still receive its contents and a directory's
   * time is not disturbed by adding them.
   */
  private readonly directories = new Map<string, DirectoryAttributes>();

  constructor(
    dest: string,
    private readonly options: UnpackOptions,
  ) {
    // The form resolveInRoot gives the destination, so targets compare with it.
    this.dest = resolveInRoot(dest, "");
  }

  async write(entry: ReadEntry): Promise<void> {
    try {
      const target = this.resolve(entry.path);
      if ((await this.options.intercept?.(target, this.written)) === true) return;
      if (NOT_CREATED.has(entry.type)) return;
      await this.writeMember(entry, target);
      this.written.add(target);
    } catch (error) {
      if (error instanceof UnpackError || error instanceof PathEscapeError) throw error;
      throw new UnpackError(entry.path, errorMessage(error), { cause: error });
    }
  }

  async finish(): Promise<void> {
    // Deepest first: making a parent unsearchable must not block its children.
    const paths = [...this.directories.keys()].sort((a, b) => b.length - a.length);
    for (const path of paths) {
      const { mode, mtime } = this.directories.get(path)!;
      try {
        // A later member may have replaced the directory.
        if (!(await lstatOrNull(path))?.isDirectory()) continue;
        await chmod(path, mode);
        if (mtime !== undefined) await utimes(path, mtime, mtime);
      } catch (error) {
        throw new UnpackError(undefined, `cannot set the mode and time of ${path}: ${errorMessage(error)}`, { cause: error });
      }
    }
  }

  /**
   * The host path for the member (or hard link target) `name`. Like Docker,
   * absolute names are taken as relative and names that climb out are
   * refused; `..` inside a name is applied to the name as written.
   */
  private resolve(name: string): string {
    const components: string[] = [];
    for (const part of name.split("/")) {
      if (part === "" || part === ".") continue;
      if (part !== "..") components.push(part);
      else if (components.pop() === undefined) throw new PathEscapeError(name, "the destination");
    }
    return resolveInRoot(this.dest, components.join("/"), { stopAtRoot: true });
  }

  private writeMember(entry: ReadEntry, target: string): Promise<void> {
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
        return this.writeHardLink(entry, target);
      default:
        throw new UnpackError(entry.path, `unsupported member type (${entry.type})`);
    }
  }

  private async writeDirectory(entry: ReadEntry, target: string): Promise<void> {
    // A directory merges with one that is already there; anything else is replaced.
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
    if (target === this.dest) throw new Error("a member that is not a directory would replace the destination");
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
      if (written !== entry.size) throw new Error(`truncated (${written} of ${entry.size} bytes)`);
      // Owner before mode: chown clears the setuid and setgid bits.
      if (RUNNING_AS_ROOT) await handle.chown(entry.uid ?? 0, entry.gid ?? 0);
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
    if (entry.linkpath === undefined) throw new Error("symbolic link without a target");
    await symlink(entry.linkpath, target);
    await this.setOwner(entry, target);
    if (entry.mtime !== undefined) await lutimes(target, entry.mtime, entry.mtime);
  }

  private async writeHardLink(entry: ReadEntry, target: string): Promise<void> {
    if (entry.linkpath === undefined) throw new Error("hard link without a target");
    const source = this.resolve(entry.linkpath);
    const stats = await lstatOrNull(source);
    if (stats === null || stats.isDirectory()) {
      throw new Error(`hard link target ${entry.linkpath} is ${stats === null ? "missing" : "a directory"}`);
    }
    if (source === target) return;
    await this.replacing(target, () => link(source, target));
  }

  private async setOwner(entry: ReadEntry, target: string): Promise<void> {
    // Only root may give files away; otherwise the builder's user owns them.
    if (RUNNING_AS_ROOT) await lchown(target, entry.uid ?? 0, entry.gid ?? 0);
  }
}

function permissions(mode: number | undefined, fallback: number): number {
  return mode === undefined ? fallback : mode & 0o7777;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
