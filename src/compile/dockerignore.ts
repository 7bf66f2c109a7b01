/**
 * The build context's `.dockerignore`: where BuildKit finds it and how it
 * matches paths (moby/patternmatcher). The linter checks COPY sources
 * against it; the local executor decides with it which files of the context
 * a build sees.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";

/**
 * The lines of the ignore file BuildKit would use: `<Dockerfile>.dockerignore`
 * beside the Dockerfile wins over `.dockerignore` in the context root; null
 * when there is neither. Lines come as written: {@link DockerIgnore.parse}
 * drops comments and blank lines the way BuildKit does.
 */
export function readDockerIgnore(dockerfilePath: string, contextDir: string): string[] | null {
  for (const candidate of [join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`), join(contextDir, ".dockerignore")]) {
    if (existsSync(candidate)) return readFileSync(candidate, "utf8").split(/\r?\n/);
  }
  return null;
}

/** Go's `filepath.Clean` for slash-separated paths. */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}

interface IgnorePattern {
  readonly text: string;
  readonly exclusion: boolean;
  readonly match: (path: string) => boolean;
}

/** Regexp metacharacters that have no meaning in a path pattern (patternmatcher's shouldEscape). */
const REGEX_ESCAPES = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);

/** patternmatcher's Pattern.compile: exact, prefix (`a/**`), suffix (`**\/a`) or regexp matching. */
function compilePattern(pattern: string): (path: string) => boolean {
  const chars = Array.from(pattern);
  let regex = "^";
  let kind: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  for (let i = 0, step = 0; i < chars.length; step++) {
    const ch = chars[i++] as string;
    if (ch === "*") {
      if (chars[i] === "*") {
        i++;
        if (chars[i] === "/") i++;
        if (i >= chars.length) {
          if (kind === "exact") kind = "prefix";
          else {
            regex += ".*";
            kind = "regexp";
          }
        } else {
          regex += "(.*/)?";
          kind = "regexp";
        }
        if (step === 0) kind = "suffix";
      } else {
        regex += "[^/]*";
        kind = "regexp";
      }
    } else if (ch === "?") {
      regex += "[^/]";
      kind = "regexp";
    } else if (REGEX_ESCAPES.has(ch)) {
      regex += `\\${ch}`;
    } else if (ch === "\\") {
      if (i < chars.length) {
        regex += `\\${chars[i++] as string}`;
        kind = "regexp";
      } else {
        regex += "\\\\";
      }
    } else if (ch === "[" || ch === "]") {
      regex += ch;
      kind = "regexp";
    } else {
      regex += ch;
    }
  }
  switch (kind) {
    case "exact":
      return (path) => path === pattern;
    case "prefix": {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case "suffix": {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith("/") && path === suffix.slice(1));
    }
    case "regexp": {
      const compiled = new RegExp(`${regex}$`);
      return (path) => compiled.test(path);
    }
  }
}

/**
 * The patterns of a `.dockerignore`, read the way BuildKit reads them
 * (ignorefile.ReadAll, then patternmatcher.New): comments and blank lines
 * dropped, paths cleaned and made relative, `!` marking exceptions. Null when
 * the file would make BuildKit fail (a lone `!`, a malformed pattern).
 * Patterns that were already read this way come out unchanged.
 */
export class DockerIgnore {
  private constructor(readonly patterns: readonly IgnorePattern[]) {}

  static parse(lines: readonly string[]): DockerIgnore | null {
    const patterns: IgnorePattern[] = [];
    for (const [index, line] of lines.entries()) {
      const raw = index === 0 ? line.replace(/^\ufeff/, "") : line;
      if (raw.startsWith("#")) continue;
      let text = raw.trim();
      if (text === "") continue;
      const exclusion = text.startsWith("!");
      if (exclusion) text = text.slice(1).trim();
      if (text === "") return null;
      text = cleanPath(text);
      if (text.length > 1 && text.startsWith("/")) text = text.slice(1);
      try {
        patterns.push({ text, exclusion, match: compilePattern(text) });
      } catch {
        return null;
      }
    }
    return new DockerIgnore(patterns);
  }

  /** patternmatcher's MatchesOrParentMatches: the path or one of its parent directories is excluded, and no later exception re-includes it. */
  matchesOrParentMatches(file: string): boolean {
    const parent = posix.dirname(file);
    const parentDirs = parent.split("/");
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      let match = pattern.match(file);
      if (!match && parent !== ".") {
        for (let i = 0; i < parentDirs.length && !match; i++) match = pattern.match(parentDirs.slice(0, i + 1).join("/"));
      }
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }

  /** Some pattern excludes every entry of the context root (`*`, `**`, `**\/*`). */
  excludesRoot(): boolean {
    return this.patterns.some((pattern) => !pattern.exclusion && (pattern.text === "*" || pattern.text === "**" || pattern.text === "**/*"));
  }

  /**
   * Some exception (`!pattern`) may re-include a path at or below `source`,
   * so whether `source` is excluded cannot be decided without the files
   * (BuildKit's copySourceNegated). A pattern with a wildcard counts from the
   * literal directories before its first wildcard.
   */
  exceptionAtOrBelow(source: string): boolean {
    let src = source.startsWith("/") ? source.slice(1) : source;
    if (src === ".") src = "";
    const atOrBelow = (path: string, base: string): boolean => base === "" || path === base || path.startsWith(`${base}/`);
    return this.patterns.some((pattern) => {
      if (!pattern.exclusion) return false;
      const elements = pattern.text.split("/");
      const wild = elements.findIndex((element) => /[*?[]/.test(element));
      const prefix = wild === -1 ? pattern.text : elements.slice(0, wild).join("/");
      return atOrBelow(prefix, src) || (wild !== -1 && atOrBelow(src, prefix));
    });
  }

  /**
   * Whether a walk of the context must enter `dir`, a directory these
   * patterns exclude, because an exception may re-include something below
   * it. This is fsutil's pruning rule for the files a build sees: enter when
   * some exception has a wildcard before its trailing `/*` or `/**` (it may
   * match at any depth), or when an exception's literal path lies under `dir`.
   */
  mayReincludeBelow(dir: string): boolean {
    const exceptions = this.patterns.filter((pattern) => pattern.exclusion).map((pattern) => pattern.text.replace(/\/\*\*$/, "").replace(/\/\*$/, ""));
    return exceptions.some((exception) => /[*?[\]^\\]/.test(exception) || `${exception}/`.startsWith(`${dir}/`));
  }
}
