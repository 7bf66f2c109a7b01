/**
 * WorkdirRelativePath (BuildKit): the first WORKDIR of a stage (counting the
 * stages it is built FROM) is a relative path.
 *
 * Why: a relative WORKDIR is resolved against the base image's working
 * directory, which the Dockerfile does not control; when the image changes
 * it, every later path moves. Once an absolute WORKDIR is set in the build,
 * relative ones after it are fine. Absolute means starting with `/`, or on a
 * Windows stage also `\` or `C:` (BuildKit's system.IsAbs); so a finding can
 * apply to some target platforms only.
 */
import { posix, win32 } from "node:path";
import type { CompiledStage } from "../../compile/target.js";
import { formatPlatform } from "../../platform/index.js";
import { expandWord, ShellExpansionError } from "../../shell/index.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";

/** BuildKit's system.IsAbs: on Windows a `C:` drive prefix is dropped and `\` counts as `/`. */
function isAbsolute(path: string, os: string): boolean {
  if (os !== "windows") return path.startsWith("/");
  let rest = path;
  if (/^[A-Za-z]:/.test(rest)) {
    if (rest.length === 2 || (rest[0] ?? "").toUpperCase() !== "C") return false;
    rest = rest.slice(2);
  }
  return rest.startsWith("/") || rest.startsWith("\\");
}

export const WorkdirRelativePath: Rule = {
  name: "WorkdirRelativePath",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
  check(context) {
    const written = context.written;
    for (const target of context.targets) {
      if (target.compiled === null) continue;
      const stages = new Map(target.compiled.stages.map((stage) => [stage.index, stage]));
      // Whether a WORKDIR ran in the stage so far; a stage built FROM another starts with that one's answer.
      const workdirSet = new Map<number, boolean>();
      const isSet = (stage: CompiledStage | undefined): boolean => {
        if (stage === undefined) return false;
        const known = workdirSet.get(stage.index);
        if (known !== undefined) return known;
        return stage.base.kind === "stage" ? isSet(stages.get(stage.base.index)) : false;
      };
      for (const step of target.steps) {
        if (step.command.kind !== "WORKDIR") continue;
        const already = isSet(step.stage);
        workdirSet.set(step.stage.index, true);
        // A WORKDIR from a base image's ONBUILD trigger counts, but is not this file's to fix.
        if (already || !written.has(step.command.source)) continue;
        let path: string;
        try {
          path = expandWord(step.command.path.value, step.env, { escape: context.dockerfile.escape });
        } catch (error) {
          if (error instanceof ShellExpansionError) continue;
          throw error;
        }
        const os = step.stage.platform.os;
        if (isAbsolute(path, os)) continue;
        const fix = /^[A-Za-z]:[\\/]/.test(path)
          ? `a drive letter path is absolute on Windows only, and this stage builds for ${formatPlatform(step.stage.platform)}`
          : `use an absolute path such as ${goQuote(os === "windows" ? win32.join("C:\\", path) : posix.join("/", path))}`;
        context.report({
          range: step.command.path.range,
          message: `Relative workdir ${goQuote(path)} can have unexpected results if the base image changes; ${fix}`,
          platforms: [target.platform],
        });
      }
    }
  },
};
