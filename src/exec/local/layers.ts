/**
 * Applies an image layer (a tar changeset, OCI image-spec "layer.md") onto a
 * root filesystem directory: entries are created or replaced, and whiteout
 * entries delete what lower layers put there.
 *
 * Layers come from registries, so they are untrusted input: they are
 * unpacked with tar-unpack.ts, which never writes outside `rootfs` and
 * resolves paths the way the container will see them (symlinks already in
 * the root file system are followed as if `rootfs` were `/`, as containerd
 * does; the last component is replaced, never followed). This module adds
 * what is particular to layers: their media types and whiteouts.
 */
import { readdir, realpath, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { lstatOrNull } from "./lstat.js";
import { PathEscapeError } from "./paths.js";
import { decompressed, detectCompression, UnpackError, unpackTar } from "./tar-unpack.js";

/** Raised for a layer that cannot or must not be applied. */
export class LayerError extends Error {
  override readonly name = "LayerError";
}

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";
/** Other `.wh..wh.` names are AUFS bookkeeping (e.g. `.wh..wh.plnk`), not changes to the file system. */
const AUFS_META_PREFIX = ".wh..wh.";

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
  const compression = await detectCompression(layerFile);
  if (compression !== null && compression.format !== "gzip") throw unsupportedCompression(compression.format, layerFile);
  const root = await realpath(rootfs);
  try {
    await unpackTar(decompressed(layerFile, compression), root, {
      intercept: (target, written) => applyWhiteout(target, root, written),
    });
  } catch (error) {
    throw asLayerError(error, layerFile);
  }
}

function checkMediaType(mediaType: string): void {
  if (/[+.]zstd$/.test(mediaType)) throw unsupportedCompression("zstd", mediaType);
  const known =
    mediaType.startsWith("application/vnd.oci.image.layer.") ||
    mediaType.startsWith("application/vnd.docker.image.rootfs.");
  if (!known) throw new LayerError(`unsupported layer media type ${mediaType}`);
}

function unsupportedCompression(format: string, what: string): LayerError {
  return new LayerError(`${format}-compressed layers are not supported (${what}); only gzip and uncompressed tar layers are`);
}

function asLayerError(error: unknown, layerFile: string): unknown {
  if (error instanceof PathEscapeError) {
    // No honest layer climbs with "..": it is how archives escape.
    return new LayerError(`layer entry ${error.path} escapes the root file system (contains "..")`, { cause: error });
  }
  if (!(error instanceof UnpackError)) return error;
  const message = error.member === undefined ? `${layerFile}: ${error.reason}` : `layer entry ${error.member}: ${error.reason}`;
  return new LayerError(message, { cause: error });
}

/**
 * Handles the layer's own kinds of members, which are not written:
 * whiteouts, opaque markers and AUFS bookkeeping, and the root directory
 * itself ("./"), whose metadata belongs to the rootfs owner.
 */
async function applyWhiteout(target: string, root: string, written: ReadonlySet<string>): Promise<boolean> {
  if (target === root) return true;
  const name = basename(target);
  if (name === OPAQUE_MARKER) {
    await makeOpaque(dirname(target), written);
    return true;
  }
  if (name.startsWith(AUFS_META_PREFIX)) return true;
  if (!name.startsWith(WHITEOUT_PREFIX)) return false;
  const hidden = name.slice(WHITEOUT_PREFIX.length);
  // ".wh.." would name the parent directory, ".wh..." its parent.
  if (hidden === "" || hidden === "." || hidden === "..") throw new Error("not a valid whiteout");
  // Whiteouts only delete what lower layers made (image-spec: "files that
  // are present in the same layer as a whiteout file can only be hidden by
  // whiteout files in subsequent layers"), and tar order is not fixed.
  const path = join(dirname(target), hidden);
  if (!written.has(path)) await rm(path, { recursive: true, force: true });
  return true;
}

/** Deletes what lower layers put in `directory`, keeping what this layer wrote. */
async function makeOpaque(directory: string, written: ReadonlySet<string>): Promise<void> {
  if ((await lstatOrNull(directory))?.isDirectory() !== true) return;
  for (const child of await readdir(directory)) {
    const path = join(directory, child);
    if (written.has(path) || wroteInside(path, written)) await makeOpaque(path, written);
    else await rm(path, { recursive: true, force: true });
  }
}

function wroteInside(directory: string, written: ReadonlySet<string>): boolean {
  const prefix = `${directory}/`;
  for (const path of written) if (path.startsWith(prefix)) return true;
  return false;
}
