/**
 * EXPOSE port specs as BuildKit reads them, shared by ExposeInvalidFormat
 * and ExposeProtoCasing: each spec after variable expansion (with the
 * stage's ARG and ENV values, per platform), split into
 * `[address:][hostPort:]containerPort[/protocol]`.
 */
import { expandWords, processWord, ShellExpansionError } from "../../shell/index.js";
import type { Word, WordsInstruction } from "../../syntax/ast.js";
import type { LintContext, TargetView } from "../context.js";

const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

export interface PortSpec {
  readonly spec: string;
  readonly address: string;
  readonly hostPort: string;
  /** `port[/protocol]` as written. */
  readonly container: string;
  /** As written (any case); empty when none is given. */
  readonly protocol: string;
}

/**
 * The last two `:`-parts are the ports, anything before them the address;
 * null when the container part is invalid, which is an error, not a finding.
 */
function parsePortSpec(spec: string): PortSpec | null {
  const parts = spec.split(":");
  const container = parts[parts.length - 1] ?? "";
  const slash = container.indexOf("/");
  const port = slash === -1 ? container : container.slice(0, slash);
  const protocol = slash === -1 ? "" : container.slice(slash + 1);
  if (port === "" || (protocol !== "" && !PROTOCOLS.has(protocol.toLowerCase()))) return null;
  return {
    spec,
    address: parts.length >= 3 ? parts.slice(0, -2).join(":") : "",
    hostPort: parts.length >= 2 ? (parts[parts.length - 2] ?? "") : "",
    container,
    protocol,
  };
}

/** The specs one EXPOSE word stands for on a target; null when unknown (variables in a stage the target does not build). */
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

/** Calls `visit` for every valid port spec of every EXPOSE in a stage, per requested platform. */
export function forEachPort(context: LintContext, visit: (port: PortSpec, word: Word, target: TargetView) => void): void {
  for (const target of context.targets) {
    let inStage = false;
    for (const instruction of target.instructions) {
      if (instruction.kind === "FROM") inStage = true;
      if (!inStage || instruction.kind !== "EXPOSE") continue;
      for (const word of instruction.args) {
        for (const spec of expandPort(word, instruction, target, context.dockerfile.escape) ?? []) {
          const port = parsePortSpec(spec);
          if (port !== null) visit(port, word, target);
        }
      }
    }
  }
}
