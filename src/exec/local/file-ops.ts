/**
 * A file vertex's actions (COPY, ADD, WORKDIR's mkdir, heredoc files…) done
 * in place on a directory that holds the base file system, with the
 * semantics of BuildKit's file op backend and fsutil's copy: a directory
 * source copies its contents, a file copied onto a directory goes inside
 * it, modes and symlinks are kept, missing parents are created 0755.
 *
 * Every path is resolved with {@link resolveInRoot}: written paths inside
 * the target, read paths inside the copy's input, so no step reads or
 * writes outside them; a symlink met inside a copied tree is copied as a
 * link, never followed.
 */
import { constants, type Stats } from "node:fs";
import { chmod, copyFile, lchown, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { DockerIgnore } from "../../compile/dockerignore.js";
import type { FileAction } from "../../graph/ir.js";
import { excluding, nameOrder, walkTree, type TreeFilter } from "./context.js";
import { lstatOrNull } from "./lstat.js";
import { resolveInRoot } from "./paths.js";
import { lookupGroup, lookupUser, RUNNING_AS_ROOT } from "./users.js";

export interface FileOpsOptions {
  /** The directory holding a copy action's input file system; null for an empty one. */
  readonly input: (index: number) => string | null;
  /**
   * ADD of a local archive: extract `archive` into `destDir` (an existing
   * directory) and return true, or return false, writing nothing, when the
   * file is not an archive (it is then copied as a file).
   */
  readonly unpack: (archive: string, destDir: string) => Promise<boolean>;
}

type CopyAction = Extract<FileAction, { action: "copy" }>;

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Applies `actions` in order to the file system in `target`, changing it in
 * place. Their paths are absolute: the compiler resolves them against WORKDIR.
 */
export async function applyFileActions(target: string, actions: readonly FileAction[], options: FileOpsOptions): Promise<void> {
  for (const action of actions) {
    switch (action.action) {
      case "copy":
        await copy(target, action, action.dest, options);
        break;
      case "mkdir":
        await makeDirectory(target, action.path, action.mode & 0o777, action.makeParents, ownerOf(target, action.chown));
        break;
      case "mkfile":
        await makeFile(target, action.path, action.data, action.mode & 0o777, ownerOf(target, action.chown));
        break;
      case "rm":
        await remove(target, action.path, action.allowNotFound);
        break;
      case "symlink":
        await symlink(action.target, resolveInRoot(target, action.path));
    }
  }
}

// --- ownership and modes -------------------------------------------------------

const numericId = (name: string): number | null => (name === "root" ? 0 : /^[0-9]+$/.test(name) ? Number(name) : null);

/**
 * A `--chown` value as ids, the way BuildKit's file op reads it: a number
 * (or `root`, as dfc's LLB writes it) is both uid and gid, a name is looked
 * up in the target's /etc/passwd (its gid with it), a group in /etc/group.
 * BuildKit maps a name it cannot find to 0; dfc refuses it instead.
 */
function ownerOf(target: string, chown: string | null): Owner | null {
  if (chown === null || chown === "") return null;
  const [user = "", group] = chown.split(/:(.*)/s);
  const uid = numericId(user);
  const owner = uid === null ? lookupUser(target, user) : { uid, gid: uid };
  return group === undefined ? owner : { uid: owner.uid, gid: numericId(group) ?? lookupGroup(target, group) };
}

/** A `--chmod` value; BuildKit also takes symbolic modes (`u+x`), the local backend octal ones only. */
function modeOf(chmod: string | null): number | null {
  if (chmod === null) return null;
  if (!/^0*[0-7]{1,4}$/.test(chmod)) throw new Error(`--chmod=${chmod}: only octal modes are supported`);
  return Number.parseInt(chmod, 8);
}

/** The path inside `root` of a host path under it, for messages. */
const stagePath = (root: string, host: string): string => `/${relative(resolve(root), host).split(sep).join("/")}`;

/**
 * Creates the missing directories down to `host` (a resolved path inside
 * `root`) with `mode` and `owner`, as fsutil's MkdirAll; returns the first
 * one it created, null when all were there.
 */
async function makeDirectories(root: string, host: string, mode: number, owner: Owner | null): Promise<string | null> {
  let current = resolve(root);
  let first: string | null = null;
  for (const name of relative(current, host).split(sep).filter((part) => part !== "")) {
    current = join(current, name);
    const stats = await lstatOrNull(current);
    if (stats?.isDirectory()) continue;
    if (stats !== null) throw new Error(`${stagePath(root, current)}: not a directory`);
    await mkdir(current);
    await setOwnerAndMode(current, owner, mode);
    first ??= current;
  }
  return first;
}

async function setOwnerAndMode(host: string, owner: Owner | null, mode: number | null): Promise<void> {
  // Owner first: changing it clears the setuid and setgid bits the mode may set.
  if (owner !== null && RUNNING_AS_ROOT) await lchown(host, owner.uid, owner.gid);
  if (mode !== null) await chmod(host, mode);
}

// --- mkdir, mkfile, rm ------------------------------------------------------------

/** BuildKit's mkdir: an existing path is left as it is; without makeParents the parent must exist. */
async function makeDirectory(target: string, path: string, mode: number, makeParents: boolean, owner: Owner | null): Promise<void> {
  const host = resolveInRoot(target, path, { followFinal: true });
  if (makeParents) {
    await makeDirectories(target, host, mode, owner);
    return;
  }
  if ((await lstatOrNull(host)) !== null) return;
  await mkdir(host);
  // The mode is set exactly, whatever this process's umask.
  await setOwnerAndMode(host, owner, mode);
}

/** Writes (or overwrites) a file; its mode is set even when it existed, so the result does not depend on what was there. */
async function makeFile(target: string, path: string, data: string, mode: number, owner: Owner | null): Promise<void> {
  const host = resolveInRoot(target, path, { followFinal: true });
  await writeFile(host, data, "utf8");
  await setOwnerAndMode(host, owner, mode);
}

/** Removes a path (a symlink itself, not what it points to); never the root. */
async function remove(target: string, path: string, allowNotFound: boolean): Promise<void> {
  const host = resolveInRoot(target, path);
  if (host === resolve(target)) throw new Error(`cannot remove ${path}: it is the root of the file system`);
  if ((await lstatOrNull(host)) === null) {
    if (allowNotFound) return;
    throw new Error(`cannot remove ${path}: no such file or directory`);
  }
  await rm(host, { recursive: true, force: true });
}

// --- copy ---------------------------------------------------------------------------

/** How one copy action writes what it copies. */
interface Copier {
  readonly target: string;
  /** `--chown`; null keeps the source's owner (when running as root). */
  readonly owner: Owner | null;
  /** `--chmod`; null keeps the source's mode. */
  readonly mode: number | null;
  /** `--exclude` and `--parents` patterns, applied to paths below a directory source. */
  readonly filter: TreeFilter;
}

async function copy(target: string, action: CopyAction, dest: string, options: FileOpsOptions): Promise<void> {
  if (!action.createDestPath) await requireParent(target, dest);
  const input = options.input(action.input);
  const inputRoot = input ?? (await mkdtemp(join(tmpdir(), "dfc-empty-")));
  try {
    const { from, include } = action.parents ? splitParents(action.src) : { from: action.src, include: null };
    const exclude = action.exclude.length === 0 ? null : patterns(action.exclude, "--exclude");
    const copier: Copier = {
      target,
      owner: ownerOf(target, action.chown),
      mode: modeOf(action.chmod),
      filter: both(include === null ? null : including(include), exclude === null ? null : excluding(exclude)),
    };
    const sources = action.allowWildcard ? await expandWildcards(inputRoot, from, action.followSymlinks) : [from];
    // A wildcard may match nothing: the Dockerfile frontend sets allowEmptyWildcard (so does dfc's LLB).
    if (sources.length === 0) return;
    // A destination ending in `/` (or `/.`) is a directory to create; otherwise its parent is.
    const parent = /\/\.?$/.test(dest) ? dest : posix.dirname(dest);
    await makeDirectories(target, resolveInRoot(target, parent, { followFinal: true }), 0o755, copier.owner);
    const destHost = resolveInRoot(target, dest, { followFinal: true });
    for (const source of sources) {
      if (action.unpack && (await unpackArchive(inputRoot, source, destHost, copier, options))) continue;
      await copySource(copier, inputRoot, source, action.followSymlinks, destHost);
    }
  } finally {
    if (input === null) await rm(inputRoot, { recursive: true, force: true });
  }
}

/** Without createDestPath, BuildKit requires the destination's parent directory to exist. */
async function requireParent(target: string, dest: string): Promise<void> {
  const host = resolveInRoot(target, dest, { followFinal: true });
  if (host !== resolve(target) && (await lstatOrNull(dirname(host))) === null) throw new Error(`${dest}: its parent directory does not exist`);
}

function patterns(lines: readonly string[], flag: string): DockerIgnore {
  const parsed = DockerIgnore.parse(lines);
  if (parsed === null) throw new Error(`${flag}: invalid pattern in ${lines.join(", ")}`);
  return parsed;
}

/**
 * COPY --parents as BuildKit's Dockerfile frontend lowers it: the part
 * after a `/./` pivot (else the whole source) becomes an include pattern
 * on the directory before the pivot (else the root), so the matched files
 * arrive with the directories between.
 */
function splitParents(src: string): { from: string; include: DockerIgnore } {
  const pivot = src.indexOf("/./");
  return pivot === -1 ? { from: "/", include: patterns([src], "--parents") } : { from: src.slice(0, pivot), include: patterns([src.slice(pivot + 3)], "--parents") };
}

/** Include patterns as a filter: directories that do not match are entered, as a match may lie below. */
function including(include: DockerIgnore): TreeFilter {
  return (path, isDirectory) => (include.matchesOrParentMatches(path) ? "keep" : isDirectory ? "enter" : "skip");
}

/** An entry is kept when every filter keeps it, and entered unless one skips it. */
function both(first: TreeFilter | null, second: TreeFilter | null): TreeFilter {
  return (path, isDirectory) => {
    const verdicts = [first?.(path, isDirectory) ?? "keep", second?.(path, isDirectory) ?? "keep"];
    return verdicts.includes("skip") ? "skip" : verdicts.includes("enter") ? "enter" : "keep";
  };
}

// --- wildcards ----------------------------------------------------------------------

/** fsutil's containsWildcards: `*`, `?` or `[` not escaped by a backslash. */
function hasWildcard(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] === "\\") i++;
    else if ("*?[".includes(segment[i] as string)) return true;
  }
  return false;
}

/**
 * The sources a wildcard source names, as fsutil's ResolveWildcards finds
 * them: the literal directories before the first wildcard segment are
 * resolved (the last one followed only with followSymlinks), then each
 * remaining segment is matched against names in Go's order, entering real
 * directories only. Paths come back relative to the input root. A missing
 * base directory is an error, as in BuildKit; a base with no match is not.
 */
async function expandWildcards(root: string, src: string, followSymlinks: boolean): Promise<string[]> {
  const segments = src.split("/").filter((segment) => segment !== "" && segment !== ".");
  const first = segments.findIndex(hasWildcard);
  if (first === -1) return [src];
  const literal = segments.slice(0, first).join("/");
  const base = resolveInRoot(root, literal, { followFinal: followSymlinks });
  const stats = await lstatOrNull(base);
  if (stats === null) throw notFound(literal);
  const matches: string[] = [];
  if (stats.isDirectory()) await matchBelow(base, segments.slice(first).map(segmentMatcher), matches);
  return matches.map((host) => relative(resolve(root), host).split(sep).join("/"));
}

async function matchBelow(dir: string, matchers: readonly ((name: string) => boolean)[], matches: string[]): Promise<void> {
  const [matcher, ...rest] = matchers;
  if (matcher === undefined) return;
  for (const name of (await readdir(dir)).sort(nameOrder)) {
    if (!matcher(name)) continue;
    const host = join(dir, name);
    if (rest.length === 0) matches.push(host);
    else if ((await lstat(host)).isDirectory()) await matchBelow(host, rest, matches);
  }
}

const escapeRegExp = (char: string): string => (/[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char);
const escapeInClass = (char: string): string => (/[\\\]^[-]/.test(char) ? `\\${char}` : char);

/**
 * Go's path.Match for one name: `*`, `?`, `[…]` classes (`^` negates,
 * ranges, backslash escapes) and backslash escapes. A malformed pattern
 * matches nothing, as fsutil ignores the error.
 */
function segmentMatcher(pattern: string): (name: string) => boolean {
  const chars = Array.from(pattern);
  let source = "";
  let i = 0;
  // One class character, possibly escaped; Go rejects an unescaped `-` or `]` here.
  const classChar = (): string | null => {
    let char = chars[i];
    if (char === undefined || char === "-" || char === "]") return null;
    if (char === "\\") char = chars[++i];
    if (char === undefined) return null;
    i++;
    return char;
  };
  while (i < chars.length) {
    const char = chars[i++] as string;
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else if (char === "\\") {
      const escaped = chars[i++];
      if (escaped === undefined) return () => false;
      source += escapeRegExp(escaped);
    } else if (char === "[") {
      const negated = chars[i] === "^";
      if (negated) i++;
      let ranges = "";
      for (let count = 0; !(chars[i] === "]" && count > 0); count++) {
        const low = classChar();
        let high = low;
        if (low !== null && chars[i] === "-") {
          i++;
          high = classChar();
        }
        if (low === null || high === null) return () => false;
        // A reversed range matches nothing in Go; a RegExp would reject it.
        if ((low.codePointAt(0) as number) <= (high.codePointAt(0) as number)) ranges += `${escapeInClass(low)}-${escapeInClass(high)}`;
      }
      i++;
      source += negated ? `[^${ranges}]` : ranges === "" ? "(?!)" : `[${ranges}]`;
    } else source += escapeRegExp(char);
  }
  const regex = new RegExp(`^${source}$`, "su");
  return (name) => regex.test(name);
}

// --- copying one source ---------------------------------------------------------------

const notFound = (path: string): Error => new Error(`"${posix.join("/", path)}": not found`);

/**
 * ADD's archive extraction, tried on a regular file (symlinks followed):
 * the destination is made a directory for the archive, and put back as it
 * was when the file turns out not to be one.
 */
async function unpackArchive(inputRoot: string, source: string, destHost: string, copier: Copier, options: FileOpsOptions): Promise<boolean> {
  const archive = resolveInRoot(inputRoot, source, { followFinal: true });
  if (!(await lstatOrNull(archive))?.isFile()) return false;
  // An archive cannot be unpacked onto a file; BuildKit fails there, dfc copies the file over it.
  if ((await lstatOrNull(destHost))?.isDirectory() === false) return false;
  const created = await makeDirectories(copier.target, destHost, 0o755, copier.owner);
  if (await options.unpack(archive, destHost)) return true;
  if (created !== null) await rm(created, { recursive: true });
  return false;
}

/**
 * fsutil's Copy for one source: a directory's contents go into the
 * destination (created when missing); a file or symlink goes inside the
 * destination when that is a directory, else becomes it.
 */
async function copySource(copier: Copier, inputRoot: string, source: string, followSymlinks: boolean, destHost: string): Promise<void> {
  const sourceHost = resolveInRoot(inputRoot, source, { followFinal: followSymlinks });
  const stats = await lstatOrNull(sourceHost);
  if (stats === null) throw notFound(source);
  const destStats = await lstatOrNull(destHost);
  if (stats.isDirectory()) {
    if (destStats === null) await makeDirectories(copier.target, destHost, 0o755, copier.owner);
    else if (!destStats.isDirectory()) throw new Error(`cannot copy to non-directory: ${stagePath(copier.target, destHost)}`);
    await copyContents(copier, sourceHost, destHost);
    return;
  }
  const fileHost = destStats?.isDirectory() ? join(destHost, posix.basename(source)) : destHost;
  await makeDirectories(copier.target, dirname(fileHost), 0o755, copier.owner);
  await place(copier, sourceHost, stats, fileHost, []);
}

/** A directory copied or merged into, whose owner and mode are set once its contents are in. */
interface Placed {
  readonly host: string;
  readonly stats: Stats;
}

/**
 * Copies the entries below `sourceHost` that the copier's filter keeps.
 * Destination paths are built from names read from the source under a
 * directory checked to be a real directory, so they cannot leave the target.
 */
async function copyContents(copier: Copier, sourceHost: string, destHost: string): Promise<void> {
  const directories: Placed[] = [];
  for await (const entry of walkTree(sourceHost, copier.filter)) await place(copier, entry.host, entry.stats, join(destHost, entry.path), directories);
  // Deepest first, and after their contents: a read-only directory can still be filled.
  for (const { host, stats } of directories.reverse()) await copyMetadata(copier, host, stats);
}

/** Puts one entry at `host`, replacing a file there; a directory is merged into an existing one. */
async function place(copier: Copier, sourceHost: string, stats: Stats, host: string, directories: Placed[]): Promise<void> {
  const existing = await lstatOrNull(host);
  if (stats.isDirectory()) {
    if (existing === null) await mkdir(host);
    else if (!existing.isDirectory()) throw new Error(`cannot copy to non-directory: ${stagePath(copier.target, host)}`);
    directories.push({ host, stats });
    return;
  }
  if (existing?.isDirectory()) throw new Error(`cannot replace directory ${stagePath(copier.target, host)} with a file`);
  if (existing !== null) await unlink(host);
  if (stats.isFile()) await copyFile(sourceHost, host, constants.COPYFILE_EXCL);
  else if (stats.isSymbolicLink()) await symlink(await readlink(sourceHost), host);
  // Sockets, pipes and devices are not copied: Node cannot create them.
  else return;
  await copyMetadata(copier, host, stats);
}

/** fsutil's copyFileInfo: owner from --chown or the source, mode from --chmod or the source (symlinks have none). */
async function copyMetadata(copier: Copier, host: string, stats: Stats): Promise<void> {
  const owner = copier.owner ?? (RUNNING_AS_ROOT ? { uid: stats.uid, gid: stats.gid } : null);
  await setOwnerAndMode(host, owner, stats.isSymbolicLink() ? null : (copier.mode ?? stats.mode & 0o7777));
}
