/**
 * TagArchNotCovered: a TAGARCH names an architecture that the IFARCH block
 * around it does not select.
 *
 * A TAGARCH only applies to targets that reach it, i.e. whose architecture
 * the enclosing IFARCH keeps. An architecture listed in TAGARCH but not in
 * IFARCH never gets to the shared build: its target either gets no image
 * from this block or a different one, contrary to what the TAGARCH line
 * promises.
 */
import { formatPlatform } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import type { Rule } from "../rule.js";
import { archList, blockKeeps, platformOfName, tagArchesWithBlocks } from "./support-ifarch.js";

export const TagArchNotCovered: Rule = {
  name: "TagArchNotCovered",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "A TAGARCH lists an architecture that its enclosing IFARCH block does not select.",
  check(context: LintContext): void {
    for (const { tag, blocks } of tagArchesWithBlocks(context.dockerfile.body)) {
      for (const arch of tag.archs) {
        const platform = platformOfName(arch);
        if (platform === undefined) continue;
        const excluding = blocks.find((block) => blockKeeps(block.open.archs, platform) === false);
        if (excluding === undefined) continue;
        context.report({
          range: arch.range,
          message:
            `TAGARCH lists ${arch.name}, but the enclosing \`IFARCH ${archList(excluding.open.archs)}\` (line ${excluding.open.range.start.line}) does not select it: ` +
            `a ${formatPlatform(platform)} build never reaches this TAGARCH, so the shared build is not published for ${arch.name}. Add ${arch.name} to the IFARCH line, or remove it from TAGARCH.`,
        });
      }
    }
  },
};
