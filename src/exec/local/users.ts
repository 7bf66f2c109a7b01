/**
 * USER and --chown names, looked up the way the container sees them: in
 * the step's own /etc/passwd and /etc/group, never the host's.
 */
import { readFileSync } from "node:fs";
import { resolveInRoot } from "./paths.js";

/**
 * Whether dfc runs as root. Only root may give files away, so only then do
 * builds set owners (chown, tar headers, copies); anyone else's build keeps
 * its own files, and their owners are not recorded.
 */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

export class UnknownUserError extends Error {
  override readonly name = "UnknownUserError";
}

/** `name:x:id:…` lines of a passwd or group file inside `rootfs`; empty when it has none. */
function entries(rootfs: string, file: "/etc/passwd" | "/etc/group"): string[][] {
  try {
    return readFileSync(resolveInRoot(rootfs, file, { followFinal: true }), "utf8")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.split(":"));
  } catch {
    return [];
  }
}

const isId = (text: string): boolean => /^[0-9]+$/.test(text);

/** A user name or number as `uid` and its primary `gid` (0 for a bare number, as BuildKit does). */
export function lookupUser(rootfs: string, user: string): { uid: number; gid: number } {
  if (isId(user)) {
    const entry = entries(rootfs, "/etc/passwd").find((fields) => fields[2] === user);
    return { uid: Number(user), gid: entry === undefined ? 0 : Number(entry[3]) };
  }
  const entry = entries(rootfs, "/etc/passwd").find((fields) => fields[0] === user);
  if (entry === undefined) throw new UnknownUserError(`unable to find user ${user}: no matching entries in passwd file`);
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

export function lookupGroup(rootfs: string, group: string): number {
  if (isId(group)) return Number(group);
  const entry = entries(rootfs, "/etc/group").find((fields) => fields[0] === group);
  if (entry === undefined) throw new UnknownUserError(`unable to find group ${group}: no matching entries in group file`);
  return Number(entry[2]);
}

/** The home directory of USER's user in its passwd entry; `/` when it has none (as runc decides). */
export function homeOf(rootfs: string, spec: string): string {
  const user = spec === "" ? "0" : (spec.split(":")[0] as string);
  const field = isId(user) ? 2 : 0;
  return entries(rootfs, "/etc/passwd").find((fields) => fields[field] === user)?.[5] || "/";
}

/** `USER user[:group]` as `uid:gid` for the step; "" (root) for an empty USER. */
export function resolveUser(rootfs: string, spec: string): string {
  if (spec === "") return "";
  const [user = "", group] = spec.split(/:(.*)/s);
  const resolved = lookupUser(rootfs, user);
  return `${resolved.uid}:${group === undefined ? resolved.gid : lookupGroup(rootfs, group)}`;
}
