/**
 * The build context as the local source vertex sees it: the files of the
 * context directory that `.dockerignore` keeps, walked the way BuildKit's
 * fsutil walks them (names in byte order, symlinks never followed, an
 * excluded directory entered only when an exception may re-include
 * something in it, and then kept only for the files it holds).
 *
 * The walk itself is shared with COPY, whose `--exclude` and `--parents`
 * patterns filter a tree the same way.
 */
import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { chmod, copyFile, lchown, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { join, posix, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { DockerIgnore } from "../../compile/dockerignore.js";
import { RUNNING_AS_ROOT } from "./users.js";

/** One entry of a walked tree. */
export interface TreeEntry {
  /** Relative to the tree's root, `/`-separated. */
  readonly path: string;
  /** Where it is on this machine. */
  readonly host: string;
  readonly stats: Stats;
}

/**
 * What a walk does with an entry, by its path relative to the tree's root:
 * keep it (a directory: with everything the filter keeps below it), leave
 * it out but look inside (a directory that may hold kept entries), or leave
 * it out with everything below it.
 */
export type TreeFilter = (path: string, isDirectory: boolean) => "keep" | "enter" | "skip";

/** `.dockerignore` (or COPY `--exclude`) patterns as a walk's filter. */
export function excluding(ignore: DockerIgnore): TreeFilter {
  return (path, isDirectory) => {
    if (!ignore.matchesOrParentMatches(path)) return "keep";
    return isDirectory && ignore.mayReincludeBelow(path) ? "enter" : "skip";
  };
}

/** Go's order for the names in a directory: by their bytes, which differs from UTF-16 order beyond the BMP. */
export const nameOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The entries of the tree at `root` that `filter` keeps, parents before
 * their children. A directory the filter leaves out but enters comes just
 * before the first kept entry below it, so every kept entry's parents are
 * there, as fsutil does for a directory re-included by an exception.
 */
export async function* walkTree(root: string, filter: TreeFilter): AsyncGenerator<TreeEntry> {
  yield* walkDirectory(root, "", filter, []);
}

async function* walkDirectory(root: string, dir: string, filter: TreeFilter, waiting: TreeEntry[]): AsyncGenerator<TreeEntry> {
  const names = (await readdir(join(root, dir))).sort(nameOrder);
  for (const name of names) {
    const path = dir === "" ? name : `${dir}/${name}`;
    const host = join(root, path);
    const stats = await lstat(host);
    const verdict = filter(path, stats.isDirectory());
    if (verdict === "skip" || (verdict === "enter" && !stats.isDirectory())) continue;
    const entry: TreeEntry = { path, host, stats };
    if (verdict === "keep") {
      yield* waiting.splice(0);
      yield entry;
    } else {
      waiting.push(entry);
    }
    if (stats.isDirectory()) yield* walkDirectory(root, path, filter, waiting);
    // An entered directory with nothing kept below it is left out after all.
    const position = waiting.indexOf(entry);
    if (position !== -1) waiting.length = position;
  }
}

/** The kinds of entry a build context carries; sockets, pipes and devices are left out, as nothing can copy them. */
type EntryKind = "directory" | "file" | "symlink";

function kindOf(stats: Stats): EntryKind | null {
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  if (stats.isSymbolicLink()) return "symlink";
  return null;
}

/** The entries of the context a build sees (all of them, or those `within` lets through). */
async function* contextEntries(contextDir: string, ignore: DockerIgnore | null, within: TreeFilter = () => "keep"): AsyncGenerator<TreeEntry & { readonly kind: EntryKind }> {
  const ignored: TreeFilter = ignore === null ? () => "keep" : excluding(ignore);
  const filter: TreeFilter = (path, isDirectory) => {
    const scope = within(path, isDirectory);
    return scope === "keep" ? ignored(path, isDirectory) : scope === "enter" && ignored(path, isDirectory) !== "skip" ? "enter" : "skip";
  };
  for await (const entry of walkTree(contextDir, filter)) {
    const kind = kindOf(entry.stats);
    if (kind !== null) yield { ...entry, kind };
  }
}

async function fileDigest(host: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(host), hash);
  return hash.digest("hex");
}

/**
 * A digest of what the build sees of the context: each included entry's
 * path, kind, permission bits, symlink target and file content, in walk
 * order. Owners and times are left out: the build does not see them (the
 * context's files belong to root in the image), so touching a file does not
 * invalidate the steps that read it.
 *
 * With `sources` (COPY/ADD source paths, relative to the context) only the
 * entries at or below them count, as BuildKit checksums only what a copy
 * reads: editing one file re-runs only the copies of it. A wildcard source
 * counts everything below the directory before its first wildcard. A
 * symlink among them may point anywhere in the context, so then the whole
 * context counts.
 */
export async function contextDigest(contextDir: string, ignore: DockerIgnore | null, sources: readonly string[] | null = null): Promise<string> {
  const prefixes = sources === null ? null : await literalPrefixes(contextDir, sources);
  if (sources !== null && prefixes === null) return contextDigest(contextDir, ignore);
  const hash = createHash("sha256");
  const within = prefixes === null ? undefined : belowAny(prefixes);
  for await (const entry of contextEntries(contextDir, ignore, within)) {
    if (sources !== null && entry.kind === "symlink") return contextDigest(contextDir, ignore);
    const target = entry.kind === "symlink" ? await readlink(entry.host) : null;
    const content = entry.kind === "file" ? await fileDigest(entry.host) : null;
    // One JSON record per line: no path or target can be confused with the fields around it.
    hash.update(`${JSON.stringify([entry.path, entry.kind, entry.stats.mode & 0o7777, target, content])}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

/**
 * The directories of the sources before their first wildcard (`a/b*\/c` →
 * `a`; "" is the whole context; `..` resolved in the text, as the copy
 * resolves it), or null when a symlink is on the way to one of them: it may
 * lead anywhere in the context.
 */
async function literalPrefixes(contextDir: string, sources: readonly string[]): Promise<string[] | null> {
  const prefixes: string[] = [];
  for (const source of sources) {
    const segments = posix.normalize(`/${source}`).split("/").filter((segment) => segment !== "");
    const wild = segments.findIndex((segment) => /[*?[\\]/.test(segment));
    const literal = wild === -1 ? segments : segments.slice(0, wild);
    for (let depth = 1; depth <= literal.length; depth++) {
      const stats = await lstat(join(contextDir, ...literal.slice(0, depth))).catch(() => null);
      if (stats === null) break;
      if (stats.isSymbolicLink()) return null;
    }
    prefixes.push(literal.join("/"));
  }
  return prefixes;
}

/** Keeps what is at or below one of `prefixes`, enters the directories on the way to them. */
function belowAny(prefixes: readonly string[]): TreeFilter {
  return (path) => {
    if (prefixes.some((prefix) => prefix === "" || path === prefix || path.startsWith(`${prefix}/`))) return "keep";
    return prefixes.some((prefix) => prefix.startsWith(`${path}/`)) ? "enter" : "skip";
  };
}

/**
 * Copies what the build sees of the context into `dest`, an empty
 * directory: modes kept, symlinks copied as links (never followed). Entries
 * belong to root, as BuildKit sends the context (its file sync resets owners).
 */
export async function copyContext(contextDir: string, ignore: DockerIgnore | null, dest: string): Promise<void> {
  // The walk would find the copy itself and never end (a cache directory inside the context does this).
  if (relative(resolve(contextDir), resolve(dest)).split(sep)[0] !== "..") throw new Error(`cannot copy the build context ${contextDir} into ${dest}, which is inside it`);
  // Directory modes are set last, deepest first, so a read-only directory can still be filled.
  const directories: { readonly host: string; readonly mode: number }[] = [];
  for await (const entry of contextEntries(contextDir, ignore)) {
    // Walk paths are made of names read from the context, so they stay inside dest.
    const host = join(dest, entry.path);
    const mode = entry.stats.mode & 0o7777;
    switch (entry.kind) {
      case "directory":
        await mkdir(host);
        directories.push({ host, mode });
        break;
      case "file":
        await copyFile(entry.host, host);
        await chmod(host, mode);
        break;
      case "symlink":
        await symlink(await readlink(entry.host), host);
    }
    if (RUNNING_AS_ROOT) await lchown(host, 0, 0);
  }
  for (const { host, mode } of directories.reverse()) await chmod(host, mode);
}
