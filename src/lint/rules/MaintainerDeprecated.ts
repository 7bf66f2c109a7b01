/**
 * MaintainerDeprecated (BuildKit): the MAINTAINER instruction.
 *
 * Why: MAINTAINER only fills the image's legacy `author` field and has been
 * deprecated for years; the author belongs in a label, where tools that read
 * OCI annotations (`org.opencontainers.image.authors`) find it.
 */
import type { TextInstruction } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";

const AUTHORS_LABEL = "org.opencontainers.image.authors";

/** A ready-to-paste LABEL when the author text needs no escaping; a template otherwise. */
function replacement(instruction: TextInstruction): string {
  const text = instruction.text?.value ?? "";
  if (text !== "" && text.length <= 80 && !/["\\`$\n\r]/.test(text)) return `LABEL ${AUTHORS_LABEL}="${text}"`;
  return `LABEL ${AUTHORS_LABEL}="<author>"`;
}

export const rule: Rule = {
  name: "MaintainerDeprecated",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "The MAINTAINER instruction is deprecated; use a label to name the image's author.",
  check(context) {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "MAINTAINER") continue;
      context.report({
        range: instruction.keyword.range,
        message: `Maintainer instruction is deprecated in favor of using label: replace it with ${replacement(instruction)}`,
      });
    }
  },
};
