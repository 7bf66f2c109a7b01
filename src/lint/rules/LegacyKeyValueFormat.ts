/**
 * LegacyKeyValueFormat (BuildKit): `ENV key value` and `LABEL key value`,
 * the old form where a blank, not `=`, separates the key from its value.
 *
 * Why: in the legacy form everything after the key is one value, spaces
 * included, and only one pair fits on the line; `ENV A B C` silently sets A to
 * "B C" where `A=B C=…` was likely meant. The `key=value` form says exactly
 * where each value starts and ends.
 */
import type { KeyValue } from "../../syntax/ast.js";
import { parseWords } from "../../syntax/words.js";
import type { Rule } from "../rule.js";

/** Longest rewrite quoted in a message; longer values get a description instead. */
const MAX_QUOTED = 100;

/**
 * How to write the pair as `key=value`. Both forms hand the raw value to
 * the same word expansion, so a value the `key=value` parser reads as one
 * word can follow `=` unchanged; a value with blanks and nothing special can
 * be wrapped in double quotes.
 */
function hint(pair: KeyValue, keyword: string, escape: string): string {
  const { key, value } = pair;
  const oneWord = parseWords(value.value, 0, value.value.length, escape.charCodeAt(0)).length === 1;
  const quotable = !/["']/.test(value.value) && !value.value.includes(escape);
  const fix = oneWord ? `${keyword} ${key.value}=${value.value}` : quotable ? `${keyword} ${key.value}="${value.value}"` : null;
  // A value continued over several lines, or with tabs, does not fit in a one-line message.
  const inline = value.range.start.line === value.range.end.line && !value.value.includes("\t");
  if (fix !== null && inline && fix.length <= MAX_QUOTED) return `write ${fix}`;
  if (oneWord) return `write ${keyword} ${key.value}=<value>, with '=' and no blank between the key and the value`;
  return `write ${keyword} ${key.value}="<value>", with '=' between the key and the value and the value quoted, since it has blanks`;
}

export const rule: Rule = {
  name: "LegacyKeyValueFormat",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "The legacy key/value format with a blank as separator should not be used.",
  check(context) {
    for (const instruction of context.instructions) {
      if ((instruction.kind !== "ENV" && instruction.kind !== "LABEL") || !instruction.legacy) continue;
      const keyword = instruction.keyword.value;
      for (const pair of instruction.pairs) {
        context.report({
          range: pair.key.range,
          message: `"${keyword} key=value" should be used instead of legacy "${keyword} key value" format: ${hint(pair, keyword, context.dockerfile.escape)}`,
        });
      }
    }
  },
};
