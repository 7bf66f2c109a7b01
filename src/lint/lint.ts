/**
 * Linting one Dockerfile: parse, analyze for every requested platform, run
 * the enabled rules, merge findings that differ only in platform, drop the
 * ones a `# dfc-ignore Rule` comment on the line above suppresses.
 */
import type { PlanOptions } from "../plan/plan.js";
import { formatPlatform } from "../platform/index.js";
import { DockerfileSyntaxError } from "../syntax/errors.js";
import { parseDockerfile } from "../syntax/parse.js";
import { START_OF_FILE, type Range } from "../syntax/position.js";
import { analyze } from "./context.js";
import type { Finding } from "./finding.js";
import { CheckDirectiveError, checkOptionsFor, effectiveSeverity, type LintConfig } from "./options.js";
import { ruleUrl, type LintSeverity, type Rule } from "./rule.js";
import { RULES } from "./rules/index.js";

/** The planner's options (the linter compiles every file for every platform), plus what only linting needs. */
export interface LintOptions extends Omit<PlanOptions, "costModel"> {
  readonly dockerignore?: readonly string[] | null;
  readonly config?: LintConfig;
  /** Rules to run (all of dfc's by default); tests pass one. */
  readonly rules?: readonly Rule[];
}

function finding(file: string, rule: string, severity: LintSeverity, message: string, range: Range, platforms: readonly string[], url: string): Finding {
  // A parsed range makes a new position each time one is read: read each once.
  const { start, end } = range;
  return {
    rule,
    severity,
    message,
    file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    platforms,
    url,
  };
}

export function lintSource(file: string, source: string, options: LintOptions): Finding[] {
  const platforms = options.platforms.map(formatPlatform);
  let dockerfile;
  try {
    dockerfile = parseDockerfile(source);
  } catch (error) {
    if (!(error instanceof DockerfileSyntaxError)) throw error;
    return [finding(file, "SyntaxError", "error", error.message, error.range, platforms, ruleUrl({ name: "SyntaxError", origin: "dfc" }))];
  }
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  let checks;
  try {
    checks = checkOptionsFor(dockerfile, buildArgs);
  } catch (error) {
    if (!(error instanceof CheckDirectiveError)) throw error;
    const directive = dockerfile.directives.find((d) => d.name === "check");
    const range = directive?.range ?? START_OF_FILE;
    return [finding(file, "InvalidCheckDirective", "error", error.message, range, platforms, ruleUrl({ name: "InvalidCheckDirective", origin: "dfc" }))];
  }
  const config = options.config ?? {};
  const merged = new Map<string, { finding: Finding; platforms: Set<string> }>();
  let current: { rule: Rule; severity: LintSeverity } | undefined;
  const context = analyze(
    {
      file,
      source,
      dockerfile,
      platforms: options.platforms,
      buildPlatform: options.buildPlatform,
      workers: options.workers ?? [],
      buildArgs,
      targetStage: options.targetStage ?? null,
      resolver: options.resolver,
      dockerignore: options.dockerignore ?? null,
    },
    (report) => {
      if (current === undefined) throw new Error("report() outside a rule's check()");
      const applies = (report.platforms ?? options.platforms).map(formatPlatform);
      const item = finding(file, current.rule.name, current.severity, report.message, report.range, [], ruleUrl(current.rule));
      const key = `${item.rule}\u0000${item.line}:${item.column}\u0000${item.message}`;
      const existing = merged.get(key);
      if (existing === undefined) merged.set(key, { finding: item, platforms: new Set(applies) });
      else applies.forEach((platform) => existing.platforms.add(platform));
    },
  );
  for (const target of context.targets) {
    if (target.error === null) continue;
    const platform = formatPlatform(target.platform);
    const key = `CompileError\u0000${target.error.range.start.line}:${target.error.range.start.column}\u0000${target.error.message}`;
    const existing = merged.get(key);
    if (existing !== undefined) existing.platforms.add(platform);
    else merged.set(key, { finding: finding(file, "CompileError", "error", target.error.message, target.error.range, [], ruleUrl({ name: "CompileError", origin: "dfc" })), platforms: new Set([platform]) });
  }
  try {
    for (const rule of options.rules ?? RULES) {
      const severity = effectiveSeverity(rule, checks, config);
      if (severity === null) continue;
      current = { rule, severity };
      rule.check(context);
    }
  } finally {
    current = undefined;
    context.memo.release();
  }
  // Most files have no `# dfc-ignore`: then their lines are not needed.
  const lines = source.includes("dfc-ignore") ? source.replace(/^\ufeff/, "").split("\n") : null;
  const all = [...merged.values()].map(({ finding: item, platforms: applies }) => ({ ...item, platforms: platforms.filter((platform) => applies.has(platform)) }));
  // A rule that explains a compile error (UnknownArchitecture, say) says it better than the bare error.
  const explaining = new Set((options.rules ?? RULES).filter((rule) => rule.explainsCompileError === true).map((rule) => rule.name));
  const at = (item: Finding): string => `${item.line}:${item.column}-${item.endLine}:${item.endColumn}`;
  const explained = new Set(all.filter((item) => explaining.has(item.rule)).map(at));
  return all
    .filter((item) => item.rule !== "CompileError" || !explained.has(at(item)))
    .filter((item) => lines === null || !ignored(lines, item))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** `# dfc-ignore Rule[,Rule…]` on the line above a finding suppresses it. */
function ignored(lines: readonly string[], item: Finding): boolean {
  const above = lines[item.line - 2]?.trim() ?? "";
  const match = /^#\s*dfc-ignore\s+(.+)$/.exec(above);
  return match !== null && (match[1] ?? "").split(/[\s,]+/).includes(item.rule);
}
