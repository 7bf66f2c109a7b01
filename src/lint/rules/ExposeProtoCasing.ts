/**
 * ExposeProtoCasing (BuildKit): a protocol in EXPOSE that is not written in
 * lower case (`EXPOSE 80/TCP`).
 *
 * Why: BuildKit accepts any case but records the protocol in lower case, so
 * `80/TCP` in the Dockerfile becomes `80/tcp` in the image; writing it that
 * way keeps the two alike and matches what `docker run -p` and compose use.
 *
 * Like BuildKit, ports are checked after variable expansion (`EXPOSE
 * $PORT/TCP` with the stage's ARG and ENV values, per platform); a port in a
 * stage the target does not build is checked only when it has no variables.
 */
import { expandWords, processWord, ShellExpansionError } from "../../shell/index.js";
import type { Word, WordsInstruction } from "../../syntax/ast.js";
import type { TargetView } from "../context.js";
import type { Rule } from "../rule.js";

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

/** The port specs one EXPOSE word stands for on a target, as BuildKit expands it; null when unknown. */
function expandPort(word: Word, instruction: WordsInstruction, target: TargetView, escape: "\\" | "`"): string[] | null {
  try {
    const literal = processWord(word.value, new Map(), { escape });
    if (literal.matched.size === 0 && literal.unmatched.size === 0) return literal.words;
    const step = target.steps.find((candidate) => candidate.command.source === instruction);
    return step === undefined ? null : expandWords(word.value, step.env, { escape });
  } catch (error) {
    if (error instanceof ShellExpansionError) return null;
    throw error;
  }
}

/** BuildKit's reading of `[ip:][hostPort:]containerPort[/proto]`: the protocol, when the spec is valid enough to have one. */
function protocolOf(spec: string): string | null {
  const parts = spec.split(":");
  const container = parts[parts.length - 1] ?? "";
  const slash = container.indexOf("/");
  const port = slash === -1 ? container : container.slice(0, slash);
  const protocol = slash === -1 ? "" : container.slice(slash + 1);
  if (port === "" || (protocol !== "" && !PROTOCOLS.has(protocol.toLowerCase()))) return null; // an error, not a style issue
  return protocol;
}

export const rule: Rule = {
  name: "ExposeProtoCasing",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "The protocol in an EXPOSE instruction should be lowercase.",
  check(context) {
    for (const target of context.targets) {
      const { instructions } = target;
      let inStage = false;
      for (const instruction of instructions) {
        if (instruction.kind === "FROM") inStage = true;
        if (!inStage || instruction.kind !== "EXPOSE") continue;
        for (const word of instruction.args) {
          for (const spec of expandPort(word, instruction, target, context.dockerfile.escape) ?? []) {
            const protocol = protocolOf(spec);
            if (protocol === null || protocol === protocol.toLowerCase()) continue;
            const fixed = spec.slice(0, spec.length - protocol.length) + protocol.toLowerCase();
            context.report({
              range: word.range,
              message: `Defined protocol '${spec}' in EXPOSE instruction should be lowercase: write '${fixed}'`,
              platforms: [target.platform],
            });
          }
        }
      }
    }
  },
};
