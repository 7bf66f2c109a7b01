/**
 * BuildPlatformStageAlias: `FROM --platform=$BUILDPLATFORM <earlier stage>`.
 *
 * A stage started from another stage continues that stage's file system on
 * that stage's platform; `--platform` only chooses which platform of an
 * image to pull, so here it is ignored. Authors write it expecting the new
 * stage to run on the build machine, and get a stage that runs on (and
 * builds for) whatever the earlier stage was: usually the target, under
 * emulation. The rule reports it where the flag asks for a platform the
 * stage does not get.
 */
import { automaticArgs } from "../../compile/args.js";
import { formatPlatform, parsePlatform, samePlatform, type Platform } from "../../platform/index.js";
import { expandWord } from "../../shell/index.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";

export const BuildPlatformStageAlias: Rule = {
  name: "BuildPlatformStageAlias",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "FROM --platform=… names an earlier stage: the flag does not re-platform a stage, which keeps the platform of the stage it continues.",
  check(context: LintContext): void {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "FROM") continue;
      const flag = instruction.flags.find((candidate) => candidate.name === "platform");
      if (flag === undefined || flag.value === null) continue;
      const affected: { target: Platform; wanted: string; actual: string; parent: string }[] = [];
      for (const target of context.targets) {
        const compiled = target.compiled;
        const stage = compiled?.stages.find((candidate) => candidate.location.start.offset === instruction.range.start.offset);
        if (compiled === null || compiled === undefined || stage === undefined || stage.platformSource !== "base-stage" || stage.base.kind !== "stage") continue;
        const parentIndex = stage.base.index;
        const parent = compiled.stages.find((candidate) => candidate.index === parentIndex);
        const wanted = flagPlatform(flag.value, context.buildPlatform, compiled.platform);
        if (wanted !== null && samePlatform(wanted, stage.platform)) continue;
        affected.push({
          target: target.platform,
          wanted: wanted === null ? flag.value : formatPlatform(wanted),
          actual: formatPlatform(stage.platform),
          parent: parent?.name ?? `stage ${parentIndex}`,
        });
      }
      const first = affected[0];
      if (first === undefined) continue;
      const details = [...new Set(affected.map((entry) => `${entry.actual} instead of ${entry.wanted}`))].join("; ");
      context.report({
        range: flag.range,
        platforms: affected.map((entry) => entry.target),
        message:
          `\`--platform=${flag.value}\` is ignored: "${instruction.args[0]?.value ?? first.parent}" is an earlier stage, and a stage continued with FROM keeps that stage's platform ` +
          `(for ${platformList(affected.map((entry) => entry.target))}: ${details}), so its commands do not run where the flag says. ` +
          `Put \`--platform\` on the FROM that starts "${first.parent}", or start this stage from an image.`,
      });
    }
  },
};

/** What the flag asks for, with the automatic platform ARGs; null when it uses anything else. */
function flagPlatform(raw: string, build: Platform, target: Platform): Platform | null {
  try {
    const spec = expandWord(raw, automaticArgs(build, target, ""));
    if (spec === "" || spec.includes("$")) return null;
    return parsePlatform(spec, { host: build });
  } catch {
    return null;
  }
}
