/**
 * RUN (BuildKit's `parseRun` with its mount, network and security hooks).
 * BuildKit checks `--network` and `--security` as written, without
 * expansion; `--mount` values are expanded at dispatch (see mounts.ts).
 */
import type { EscapeChar, RunInstruction } from "../../syntax/ast.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { NetworkMode, RunCommand, SecurityMode } from "./commands.js";
import { InstructionError } from "./errors.js";
import { FlagDeclarations, type FlagValue } from "./flags.js";
import { parseMount } from "./mounts.js";

const RUN_FLAGS = new FlagDeclarations({ mount: "strings", network: "string", security: "string" });

const NETWORK_MODES: readonly NetworkMode[] = ["default", "none", "host"];
const SECURITY_MODES: readonly SecurityMode[] = ["sandbox", "insecure"];

export function runCommand(source: RunInstruction, escape: EscapeChar): RunCommand {
  const flags = RUN_FLAGS.parse(source.flags);
  // BuildKit's hooks run in this order: mounts, then network, then security.
  const mounts = flags.mount.map((flag) => parseMount(flag, escape));
  const network = checkedMode(flags.network, "default", NETWORK_MODES, (value) => `invalid network mode ${goQuote(value)}`);
  const security = checkedMode(flags.security, "sandbox", SECURITY_MODES, (value) => `security ${goQuote(value)} is not valid`);
  return { kind: "RUN", source, command: source.command, heredocs: source.heredocs, mounts, network, security };
}

function checkedMode<M extends string>(
  flag: FlagValue<string> | null,
  fallback: M,
  modes: readonly M[],
  message: (value: string) => string,
): M {
  if (flag === null) return fallback;
  const mode = modes.find((candidate) => candidate === flag.value);
  if (mode === undefined) throw new InstructionError(message(flag.value), flag.range);
  return mode;
}
