/** Shared by the rule tests: lint a Dockerfile text with one rule. */
import { lintSource, type LintOptions } from "../../src/lint/lint.js";
import type { Finding } from "../../src/lint/finding.js";
import type { Rule } from "../../src/lint/rule.js";
import { parsePlatform } from "../../src/platform/index.js";

export interface LintWith {
  readonly platforms?: readonly string[];
  readonly buildPlatform?: string;
  readonly workers?: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly dockerignore?: readonly string[];
  readonly experimental?: boolean;
  readonly extra?: Partial<LintOptions>;
}

export function lintWith(rule: Rule, source: string, options: LintWith = {}): Finding[] {
  return lintSource("Dockerfile", source, {
    platforms: (options.platforms ?? ["linux/amd64", "linux/arm64"]).map((spec) => parsePlatform(spec)),
    buildPlatform: parsePlatform(options.buildPlatform ?? "linux/amd64"),
    workers: (options.workers ?? []).map((spec) => parsePlatform(spec)),
    buildArgs: new Map(Object.entries(options.buildArgs ?? {})),
    dockerignore: options.dockerignore ?? null,
    config: options.experimental === true ? { experimental: [rule.name] } : {},
    rules: [rule],
    ...options.extra,
  }).filter((finding) => finding.rule === rule.name);
}
