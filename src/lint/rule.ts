/**
 * A lint rule: one check, in one file under `rules/`, with its docs in
 * `docs/rules/<Name>.md` and its tests in `test/lint/rules/<Name>.test.ts`.
 * A rule looks at the analysis in its context (the syntax tree, each target's
 * compiled stages, the plan) and reports findings at source ranges.
 */
import type { Platform } from "../platform/index.js";
import type { Range } from "../syntax/position.js";
import type { LintContext } from "./context.js";

export type LintSeverity = "error" | "warning" | "info";

export interface RuleMeta {
  /** BuildKit's name for its checks; dfc's own names for the multi-platform rules. */
  readonly name: string;
  readonly origin: "buildkit" | "dfc";
  readonly severity: LintSeverity;
  /** Off unless enabled (`# check=experimental=Name`, or the config). */
  readonly experimental: boolean;
  /** One sentence: what the rule finds. */
  readonly description: string;
  /**
   * The rule explains a compile error better than the error itself (an
   * unknown IFARCH name, say): a compile error at exactly the range of one of
   * its findings is not reported separately.
   */
  readonly explainsCompileError?: boolean;
}

export interface Rule extends RuleMeta {
  check(context: LintContext): void;
}

export interface Report {
  readonly range: Range;
  /** What goes wrong, on which platform, and how to fix it. */
  readonly message: string;
  /** The requested platforms the finding applies to; all of them when omitted. */
  readonly platforms?: readonly Platform[];
}

/** Where a rule's documentation lives (BuildKit's checks link to Docker's own pages). */
export const DFC_DOCS_URL = "https://github.com/dfc-build/dfc/blob/main/docs/rules/";

/** Every finding carries its rule's URL: each is spelled once. */
const urls = new Map<string, string>();

export function ruleUrl(rule: Pick<RuleMeta, "name" | "origin">): string {
  const key = `${rule.origin} ${rule.name}`;
  let url = urls.get(key);
  if (url === undefined) {
    url = rule.origin === "buildkit" ? `https://docs.docker.com/go/dockerfile/rule/${rule.name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "-").toLowerCase()}/` : `${DFC_DOCS_URL}${rule.name}.md`;
    urls.set(key, url);
  }
  return url;
}
