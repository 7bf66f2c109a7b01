/**
 * Applies an image layer (a tar changeset, OCI image-spec "layer.md") onto a
 * root filesystem directory: entries are created or replaced, and whiteout
 * entries delete what lower layers put there.
 *
 * Layers come from registries, so they are untrusted input: nothing is ever
 * written outside `rootfs`. Paths inside the layer are resolved the way the
 * container will see them — symbolic links already in the root file system
 * are followed as if `rootfs` were `/` (an absolute target or a `..` stops
 * at the root), as containerd does — and the last component of a path is
 * never followed, it is replaced.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, lchown, link, lstat, lutimes, mkdir, open, readdir, readlink, realpath, rm, symlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";

/** Raised for a layer that cannot or must not be applied. */
export class LayerError extends Error {
  override readonly name = "LayerError";
}

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";
/** Other `.wh..wh.` names are AUFS bookkeeping (e.g. `.wh..wh.plnk`), not changes to the file system. */
const AUFS_META_PREFIX = ".wh..wh.";
/** Linux's limit on symbolic links followed while resolving one path. */
const MAX_SYMLINK_HOPS = 40;

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * Extracts `layerFile` onto `rootfs` (which must exist). Apply a manifest's
 * layers in order, lowest first, onto an empty directory.
 *
 * The compression is read from the file's first bytes rather than trusted
 * from `mediaType`, because Docker's `…rootfs.diff.tar.gzip` type is used for
 * uncompressed layers in the wild; `mediaType` only rules out zstd and
 * foreign types.
 */
export async function applyLayer(layerFile: string, mediaType: string, rootfs: string): Promise<void> {
  checkMediaType(mediaType);
  const compression = await sniffCompression(layerFile);
  if (compression === "zstd") throw zstdError(layerFile);
  const layer = new LayerApplication(await realpath(rootfs));
  await layer.extract(layerFile, compression === "gzip");
}

function checkMediaType(mediaType: string): void {
  if (/[+.]zstd$/.test(mediaType)) throw zstdError(mediaType);
  const known =
    mediaType.startsWith("application/vnd.oci.image.layer.") ||
    mediaType.startsWith("application/vnd.docker.image.rootfs.");
  if (!known) throw new LayerError(`unsupported layer media type ${mediaType}`);
}

function zstdError(what: string): LayerError {
  return new LayerError(`zstd-compressed layers are not supported (${what}); only gzip and uncompressed tar layers are`);
}

async function sniffCompression(file: string): Promise<"gzip" | "zstd" | "none"> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(ZSTD_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (start.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return "gzip";
    if (start.equals(ZSTD_MAGIC)) return "zstd";
    return "none";
  } finally {
    await handle.close();
  }
}

const IS_ROOT = process.getuid?.() === 0;

/** The state of one layer being applied: which paths it has written so far. */
class LayerApplication {
  /**
   * Whiteouts only delete what lower layers made (image-spec: "files that
   * are present in the same layer as a whiteout file can only be hidden by
   * whiteout files in subsequent layers"), and tar order is not fixed, so
   * we remember what this layer created.
   */
  private readonly written = new Set<string>();
  /**
   * Directory modes and times are set last: creating children changes the
   * time, and a read-only mode would stop a non-root builder from creating
   * them.
   */
  private readonly directoryMetadata = new Map<string, { mode: number | undefined; mtime: Date | undefined }>();

  constructor(private readonly root: string) {}

  extract(layerFile: string, gzipped: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const source = createReadStream(layerFile);
      // strict: a corrupt header is an error, not a warning and a skipped entry.
      const parser = new Parser({ strict: true });
      let pending = Promise.resolve();
      let failed = false;
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        source.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      // The parser emits the next entry only once this one has been read to
      // its end, so entries are handled one at a time, in archive order.
      parser.on("entry", (entry: ReadEntry) => {
        pending = pending.then(() => (failed ? void entry.resume() : this.applyEntry(entry))).catch(fail);
      });
      parser.on("error", fail);
      parser.on("end", () => {
        pending
          .then(() => this.setDirectoryMetadata())
          .then(() => {
            if (!failed) resolve();
          }, fail);
      });
      source.on("error", fail);
      if (gzipped) {
        const gunzip = createGunzip();
        gunzip.on("error", (error) => fail(new LayerError(`${layerFile}: corrupt gzip data: ${error.message}`)));
        source.pipe(gunzip).pipe(parser);
      } else {
        source.pipe(parser);
      }
    });
  }

  private async applyEntry(entry: ReadEntry): Promise<void> {
    const components = entryComponents(entry.path);
    const name = components.pop();
    // The root directory itself ("./"): its metadata belongs to the rootfs owner.
    if (name === undefined) return void entry.resume();
    const parent = await this.resolve(components, entry.path);

    if (name === OPAQUE_MARKER) {
      entry.resume();
      return this.makeOpaque(parent);
    }
    if (name.startsWith(AUFS_META_PREFIX)) return void entry.resume();
    if (name.startsWith(WHITEOUT_PREFIX)) {
      entry.resume();
      const hidden = name.slice(WHITEOUT_PREFIX.length);
      // ".wh.." would name the parent directory, ".wh..." its parent.
      if (hidden === "" || hidden === "." || hidden === "..") {
        throw new LayerError(`layer entry ${entry.path} is not a valid whiteout`);
      }
      return this.whiteOut(join(parent, hidden));
    }

    await mkdir(parent, { recursive: true });
    const target = join(parent, name);
    switch (entry.type) {
      case "Directory":
        await this.makeDirectory(target, entry);
        break;
      case "File":
      case "OldFile":
      case "ContiguousFile":
        await this.writeFile(target, entry);
        break;
      case "SymbolicLink":
        await this.makeSymlink(target, entry);
        break;
      case "Link":
        await this.makeHardLink(target, entry);
        break;
      default:
        // Devices and FIFOs need mknod(2), which Node does not offer; like
        // rootless containerd, which cannot create them either, we leave them
        // out. Other types carry no file-system change.
        entry.resume();
        return;
    }
    this.written.add(target);
  }

  /**
   * The host path of `components` (already free of `.` and `..`) inside the
   * root, following symbolic links as the container would. Components that
   * do not exist yet are appended as they are.
   */
  private async resolve(components: readonly string[], entryPath: string): Promise<string> {
    const resolved: string[] = [];
    const remaining = [...components];
    let hops = 0;
    while (remaining.length > 0) {
      const component = remaining.shift() as string;
      if (component === "..") {
        // Only a symlink target brings ".." here; it stops at the root, as in a chroot.
        resolved.pop();
        continue;
      }
      const path = join(this.root, ...resolved, component);
      const stats = await lstatOrUndefined(path);
      // Missing directories are created later. Keep going rather than
      // joining the rest: a symlink target may still hold "..", which must
      // stop at the root too.
      if (stats === undefined) {
        resolved.push(component);
        continue;
      }
      if (stats.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) throw new LayerError(`layer entry ${entryPath}: too many levels of symbolic links`);
        const target = await readlink(path);
        if (target.startsWith("/")) resolved.length = 0;
        remaining.unshift(...target.split("/").filter((part) => part !== "" && part !== "."));
        continue;
      }
      if (!stats.isDirectory()) {
        throw new LayerError(`layer entry ${entryPath}: /${[...resolved, component].join("/")} is not a directory`);
      }
      resolved.push(component);
    }
    return join(this.root, ...resolved);
  }

  private async whiteOut(path: string): Promise<void> {
    if (this.written.has(path)) return;
    await rm(path, { recursive: true, force: true });
  }

  /** Deletes what lower layers put in `directory`, keeping what this layer wrote. */
  private async makeOpaque(directory: string): Promise<void> {
    const stats = await lstatOrUndefined(directory);
    if (stats?.isDirectory() !== true) return;
    for (const child of await readdir(directory)) {
      const path = join(directory, child);
      if (this.written.has(path)) {
        if ((await lstat(path)).isDirectory()) await this.makeOpaque(path);
      } else if (this.wroteInside(path)) {
        await this.makeOpaque(path);
      } else {
        await rm(path, { recursive: true, force: true });
      }
    }
  }

  private wroteInside(directory: string): boolean {
    const prefix = `${directory}/`;
    for (const path of this.written) if (path.startsWith(prefix)) return true;
    return false;
  }

  private async makeDirectory(path: string, entry: ReadEntry): Promise<void> {
    entry.resume();
    const existing = await lstatOrUndefined(path);
    // A directory in a higher layer merges with the lower one; anything else is replaced.
    if (existing !== undefined && !existing.isDirectory()) await rm(path, { recursive: true, force: true });
    if (existing?.isDirectory() !== true) await mkdir(path, { mode: 0o700 });
    if (IS_ROOT) await lchown(path, entry.uid ?? 0, entry.gid ?? 0);
    this.directoryMetadata.set(path, { mode: entry.mode, mtime: entry.mtime });
  }

  private async writeFile(path: string, entry: ReadEntry): Promise<void> {
    await rm(path, { recursive: true, force: true });
    // "wx" after removing: an existing symlink at `path` is never followed.
    await pipeline(entry, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    await this.setOwnerAndMode(path, entry);
    if (entry.mtime !== undefined) await utimes(path, entry.mtime, entry.mtime);
  }

  private async makeSymlink(path: string, entry: ReadEntry): Promise<void> {
    entry.resume();
    if (entry.linkpath === undefined) throw new LayerError(`layer entry ${entry.path}: symbolic link without a target`);
    await rm(path, { recursive: true, force: true });
    // The target is stored as it is: it means something only inside the container.
    await symlink(entry.linkpath, path);
    if (IS_ROOT) await lchown(path, entry.uid ?? 0, entry.gid ?? 0);
    if (entry.mtime !== undefined) await lutimes(path, entry.mtime, entry.mtime);
  }

  private async makeHardLink(path: string, entry: ReadEntry): Promise<void> {
    entry.resume();
    if (entry.linkpath === undefined) throw new LayerError(`layer entry ${entry.path}: hard link without a target`);
    const components = entryComponents(entry.linkpath);
    const name = components.pop();
    if (name === undefined) throw new LayerError(`layer entry ${entry.path}: hard link to the root directory`);
    const source = join(await this.resolve(components, entry.linkpath), name);
    const stats = await lstatOrUndefined(source);
    if (stats === undefined || stats.isDirectory()) {
      throw new LayerError(`layer entry ${entry.path}: hard link target ${entry.linkpath} is ${stats ? "a directory" : "missing"}`);
    }
    if (source === path) return;
    await rm(path, { recursive: true, force: true });
    await link(source, path);
  }

  private async setOwnerAndMode(path: string, entry: ReadEntry): Promise<void> {
    // Only root may give files away; otherwise the builder's user owns them.
    if (IS_ROOT) await lchown(path, entry.uid ?? 0, entry.gid ?? 0);
    // After chown, which clears the set-user-ID and set-group-ID bits.
    if (entry.mode !== undefined) await chmod(path, entry.mode & 0o7777);
  }

  private async setDirectoryMetadata(): Promise<void> {
    for (const [path, { mode, mtime }] of this.directoryMetadata) {
      // A later entry of this layer may have replaced the directory.
      if ((await lstatOrUndefined(path))?.isDirectory() !== true) continue;
      if (mode !== undefined) await chmod(path, mode & 0o7777);
      if (mtime !== undefined) await utimes(path, mtime, mtime);
    }
  }
}

/**
 * The components of an entry name, relative to the root. A leading `/` or
 * `./` is dropped (the name is relative to the root either way); `..` is
 * refused, because no honest layer needs it and it is how archives escape.
 */
function entryComponents(path: string): string[] {
  const components = path.split("/").filter((part) => part !== "" && part !== ".");
  if (components.includes("..")) throw new LayerError(`layer entry ${path} escapes the root file system (contains "..")`);
  return components;
}

async function lstatOrUndefined(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
