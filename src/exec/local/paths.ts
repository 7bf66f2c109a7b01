/**
 * Paths inside a root file system that lives in a directory of this
 * machine. A build step names paths as the container sees them, and the
 * directory may hold symlinks made by anyone (an image, the build context,
 * a RUN step), so a path is resolved one component at a time, as the kernel
 * would inside a chroot, and never leads to a file outside the root.
 */
import { lstatSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { isMissing } from "./lstat.js";

/** A path that would climb above the root it is resolved in. */
export class PathEscapeError extends Error {
  override readonly name = "PathEscapeError";

  constructor(
    /** The path, as it was given. */
    readonly path: string,
    /** What it would climb out of. */
    root: string,
  ) {
    super(`${path} points outside ${root}`);
  }
}

export interface ResolveOptions {
  /** Follow a symlink in the last component too. */
  readonly followFinal?: boolean;
  /**
   * Let a `..` at the root stay at the root, as the kernel does in a chroot,
   * instead of refusing it. For unpacking archives and layers: their
   * symlinks are meant to be resolved inside the container they make.
   */
  readonly stopAtRoot?: boolean;
}

/** Linux's limit on symlinks followed in one resolution (as continuity's RootPath). */
const MAX_LINKS = 255;

/**
 * The path on this machine of `path` seen with `root` as `/`.
 *
 * Absolute symlink targets start again at `root`; relative ones are
 * resolved from the link's directory. The final component is followed only
 * with `followFinal` (so a symlink itself can be removed, replaced or
 * copied as a link). Components that do not exist are kept as written, so
 * the result may name a file still to be created.
 *
 * Throws {@link PathEscapeError} when a `..` (in `path` or in a symlink's
 * target) would climb above `root`, unless `stopAtRoot`: a chroot would
 * stop at its root, but such a path names something outside the tree, as
 * `COPY ../secret` does, and is refused rather than quietly read from
 * elsewhere. Throws an `ELOOP` error after too many symlinks.
 */
export function resolveInRoot(root: string, path: string, options: ResolveOptions = {}): string {
  const base = resolve(root);
  const resolved: string[] = [];
  const pending = path.split("/");
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0 && options.stopAtRoot !== true) throw new PathEscapeError(path, base);
      resolved.pop();
      continue;
    }
    resolved.push(part);
    if (pending.length === 0 && options.followFinal !== true) break;
    const target = linkTarget(join(base, ...resolved));
    if (target === null) continue;
    if (++links > MAX_LINKS) throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: "ELOOP" });
    resolved.pop();
    if (target.startsWith("/")) resolved.length = 0;
    pending.unshift(...target.split("/"));
  }
  return join(base, ...resolved);
}

/** The target of the symlink at `host`; null when it is anything else or does not exist (yet). */
function linkTarget(host: string): string | null {
  try {
    return lstatSync(host).isSymbolicLink() ? readlinkSync(host) : null;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
