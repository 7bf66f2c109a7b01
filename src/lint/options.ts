/**
 * Which rules run and how severe they are: BuildKit's `# check=` directive
 * (or the BUILDKIT_DOCKERFILE_CHECK build arg, which takes precedence), then
 * dfc's config file on top.
 *
 *   # check=skip=JSONArgsRecommended,StageNameCasing;error=true;experimental=all
 */
import type { Dockerfile } from "../syntax/ast.js";
import type { LintSeverity, RuleMeta } from "./rule.js";

export interface CheckOptions {
  readonly skipAll: boolean;
  readonly skip: ReadonlySetLike;
  /** `error=true`: every finding fails the build (BuildKit), here: becomes an error. */
  readonly error: boolean;
  readonly experimentalAll: boolean;
  readonly experimental: ReadonlySetLike;
}

type ReadonlySetLike = ReadonlySet<string>;

export class CheckDirectiveError extends Error {}

const NO_CHECKS: CheckOptions = { skipAll: false, skip: new Set(), error: false, experimentalAll: false, experimental: new Set() };

const names = (value: string): Set<string> => new Set(value.split(",").map((name) => name.trim()).filter((name) => name !== ""));

/** BuildKit's parser for the check directive's value. */
export function parseCheckOptions(text: string): CheckOptions {
  if (text.trim() === "") return NO_CHECKS;
  let options = { ...NO_CHECKS };
  for (const part of text.split(";").slice(0, 3)) {
    const equals = part.indexOf("=");
    if (equals === -1) throw new CheckDirectiveError(`invalid check option "${part}"`);
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    switch (key) {
      case "skip":
        options = value === "all" ? { ...options, skipAll: true } : { ...options, skip: names(value) };
        break;
      case "error":
        if (!/^(?:1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) throw new CheckDirectiveError(`invalid check option error=${value}: not a boolean`);
        options = { ...options, error: /^(?:1|t|T|TRUE|true|True)$/.test(value) };
        break;
      case "experimental":
        options = value === "all" ? { ...options, experimentalAll: true } : { ...options, experimental: names(value) };
        break;
      default:
        throw new CheckDirectiveError(`invalid check option "${key}"`);
    }
  }
  return options;
}

/** The check options in force: the build arg wins over the directive. */
export function checkOptionsFor(dockerfile: Dockerfile, buildArgs: ReadonlyMap<string, string>): CheckOptions {
  const fromArg = buildArgs.get("BUILDKIT_DOCKERFILE_CHECK");
  if (fromArg !== undefined) return parseCheckOptions(fromArg);
  const directive = dockerfile.directives.find((d) => d.name === "check");
  return directive === undefined ? NO_CHECKS : parseCheckOptions(directive.value);
}

/** dfc's own configuration (`.dfc.json` or --config). */
export interface LintConfig {
  readonly platforms?: readonly string[];
  /** Per rule: "off", or a severity. */
  readonly rules?: Readonly<Record<string, "off" | LintSeverity>>;
  /** Experimental rules to enable. */
  readonly experimental?: readonly string[];
}

/** The severity a rule runs with, or null when it is off. */
export function effectiveSeverity(rule: RuleMeta, checks: CheckOptions, config: LintConfig): LintSeverity | null {
  const configured = config.rules?.[rule.name];
  if (configured === "off") return null;
  if (checks.skipAll || checks.skip.has(rule.name)) return null;
  const experimentalOn = checks.experimentalAll || checks.experimental.has(rule.name) || config.experimental?.includes(rule.name) === true;
  if (rule.experimental && !experimentalOn && configured === undefined) return null;
  if (configured !== undefined) return configured;
  return checks.error ? "error" : rule.severity;
}
