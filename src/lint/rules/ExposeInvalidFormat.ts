/**
 * ExposeInvalidFormat (BuildKit): an EXPOSE port with an IP address or a
 * host port (`EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`).
 *
 * Why: EXPOSE only documents which container ports the image listens on.
 * Where a port is published on the host, and on which address, is decided
 * when the container runs (`docker run -p`); BuildKit accepts the extra parts
 * for backward compatibility, drops them, and plans to reject them.
 *
 * Like BuildKit, ports are checked after variable expansion (with the stage's
 * ARG and ENV values, per platform); a port in a stage the target does not
 * build is checked only when it has no variables.
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

/**
 * BuildKit's split of `[ip:][hostPort:]containerPort[/proto]` (the last two
 * `:`-parts are the ports, anything before them the address); null when the
 * container part is invalid, which is an error rather than this finding.
 */
function mapping(spec: string): { address: string; hostPort: string; container: string } | null {
  const parts = spec.split(":");
  const container = parts[parts.length - 1] ?? "";
  const hostPort = parts.length >= 2 ? (parts[parts.length - 2] ?? "") : "";
  const address = parts.length >= 3 ? parts.slice(0, -2).join(":") : "";
  const slash = container.indexOf("/");
  const port = slash === -1 ? container : container.slice(0, slash);
  const protocol = slash === -1 ? "" : container.slice(slash + 1).toLowerCase();
  if (port === "" || (protocol !== "" && !PROTOCOLS.has(protocol))) return null;
  return { address, hostPort, container };
}

export const rule: Rule = {
  name: "ExposeInvalidFormat",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "EXPOSE should not define an IP address or a host-port mapping.",
  check(context) {
    for (const target of context.targets) {
      const { instructions } = target;
      let inStage = false;
      for (const instruction of instructions) {
        if (instruction.kind === "FROM") inStage = true;
        if (!inStage || instruction.kind !== "EXPOSE") continue;
        for (const word of instruction.args) {
          for (const spec of expandPort(word, instruction, target, context.dockerfile.escape) ?? []) {
            const parts = mapping(spec);
            if (parts === null || (parts.address === "" && parts.hostPort === "")) continue;
            context.report({
              range: word.range,
              message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${spec}': expose only the container port (EXPOSE ${parts.container}) and publish it when the container runs (docker run -p ${spec})`,
              platforms: [target.platform],
            });
          }
        }
      }
    }
  },
};
