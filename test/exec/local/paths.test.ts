import fc from "fast-check";
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PathEscapeError, resolveInRoot } from "../../../src/exec/local/paths.js";

let root: string;

function isSymlink(host: string): boolean {
  try {
    return lstatSync(host).isSymbolicLink();
  } catch {
    return false;
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dfc-paths-"));
  mkdirSync(join(root, "a/b"), { recursive: true });
  writeFileSync(join(root, "a/b/file"), "x");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("resolveInRoot", () => {
  it("joins plain paths, absolute or relative, under the root", () => {
    expect(resolveInRoot(root, "/a/b/file")).toBe(join(root, "a/b/file"));
    expect(resolveInRoot(root, "a/./b//file")).toBe(join(root, "a/b/file"));
    expect(resolveInRoot(root, "/")).toBe(root);
    expect(resolveInRoot(root, "")).toBe(root);
    expect(resolveInRoot(root, "a/b/../b/file")).toBe(join(root, "a/b/file"));
  });

  it("keeps components that do not exist yet", () => {
    expect(resolveInRoot(root, "/a/new/deeper")).toBe(join(root, "a/new/deeper"));
  });

  it("refuses a path that climbs above the root", () => {
    expect(() => resolveInRoot(root, "../../etc/passwd")).toThrow(PathEscapeError);
    expect(() => resolveInRoot(root, "/a/../../etc")).toThrow(PathEscapeError);
    expect(() => resolveInRoot(root, "..")).toThrow(PathEscapeError);
  });

  it("re-roots an absolute symlink at the root", () => {
    symlinkSync("/etc", join(root, "etc-link"));
    expect(resolveInRoot(root, "/etc-link/passwd")).toBe(join(root, "etc/passwd"));
    symlinkSync("/a/b", join(root, "ab"));
    expect(resolveInRoot(root, "/ab/file")).toBe(join(root, "a/b/file"));
    // From deep inside, an absolute target still starts at the root, not at the link's directory.
    symlinkSync("/a", join(root, "a/b/up"));
    expect(resolveInRoot(root, "/a/b/up/b/file")).toBe(join(root, "a/b/file"));
  });

  it("resolves a relative symlink from its own directory", () => {
    symlinkSync("../b/file", join(root, "a/b/sibling"));
    expect(resolveInRoot(root, "/a/b/sibling", { followFinal: true })).toBe(join(root, "a/b/file"));
    symlinkSync("b", join(root, "a/to-b"));
    expect(resolveInRoot(root, "/a/to-b/file")).toBe(join(root, "a/b/file"));
  });

  it("refuses a relative symlink that climbs out of the root", () => {
    symlinkSync("../../../../etc", join(root, "a/out"));
    expect(() => resolveInRoot(root, "/a/out/passwd")).toThrow(PathEscapeError);
  });

  it("keeps a climbing .. at the root, as a chroot does, with stopAtRoot", () => {
    symlinkSync("../../../../etc", join(root, "a/out"));
    expect(resolveInRoot(root, "/a/out/passwd", { stopAtRoot: true })).toBe(join(root, "etc/passwd"));
    expect(resolveInRoot(root, "../x", { stopAtRoot: true })).toBe(join(root, "x"));
  });

  it("names the path that climbs out", () => {
    expect(() => resolveInRoot(root, "../x")).toThrow(expect.objectContaining({ path: "../x", message: `../x points outside ${root}` }));
  });

  it("follows the final component only when asked", () => {
    symlinkSync("/a/b/file", join(root, "final"));
    expect(resolveInRoot(root, "/final")).toBe(join(root, "final"));
    expect(resolveInRoot(root, "/final", { followFinal: true })).toBe(join(root, "a/b/file"));
    // A trailing slash makes the link a directory to look into, so it is followed.
    symlinkSync("/a/b", join(root, "dir-link"));
    expect(resolveInRoot(root, "/dir-link/")).toBe(join(root, "a/b"));
  });

  it("applies .. after a symlink to where the link led", () => {
    symlinkSync("/a/b", join(root, "deep"));
    expect(resolveInRoot(root, "/deep/..")).toBe(join(root, "a"));
  });

  it("gives up on symlink loops", () => {
    symlinkSync("loop2", join(root, "loop1"));
    symlinkSync("loop1", join(root, "loop2"));
    expect(() => resolveInRoot(root, "/loop1/x")).toThrow(/too many levels of symbolic links/);
    symlinkSync("/self", join(root, "self"));
    expect(() => resolveInRoot(root, "/self", { followFinal: true })).toThrow(/too many levels/);
  });

  it("never returns a path outside the root, whatever the path and the symlinks", () => {
    const segment = fc.constantFrom("a", "b", "..", ".", "", "link");
    // Linux refuses an empty symlink target.
    const linkTarget = fc.array(segment, { minLength: 1, maxLength: 5 }).chain((parts) => fc.constantFrom(parts.join("/") || ".", `/${parts.join("/")}`));
    const linkPlace = fc.constantFrom("link", "a/link", "a/b/link", "b/link", "a/a/link");
    fc.assert(
      fc.property(fc.array(fc.tuple(linkPlace, linkTarget), { maxLength: 4 }), fc.array(segment, { maxLength: 8 }), fc.boolean(), (links, segments, followFinal) => {
        const tree = mkdtempSync(join(tmpdir(), "dfc-paths-prop-"));
        try {
          for (const dir of ["a/a", "a/b", "b"]) mkdirSync(join(tree, dir), { recursive: true });
          for (const [place, target] of links) {
            rmSync(join(tree, place), { recursive: true, force: true });
            mkdirSync(join(tree, place, ".."), { recursive: true });
            symlinkSync(target, join(tree, place));
          }
          let resolved: string;
          try {
            resolved = resolveInRoot(tree, segments.join("/"), { followFinal });
          } catch (error) {
            // Refusing is always safe; only these two refusals are expected.
            return error instanceof PathEscapeError || /too many levels/.test((error as Error).message);
          }
          if (resolved !== tree && !resolved.startsWith(`${tree}${sep}`)) return false;
          // Opening the result must not pass through a symlink either (but the final one when it is not followed).
          const parts = relative(tree, resolved).split(sep).filter((part) => part !== "");
          return parts.every((_, index) => index === parts.length - 1 && !followFinal ? true : !isSymlink(join(tree, ...parts.slice(0, index + 1))));
        } finally {
          rmSync(tree, { recursive: true, force: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});
