/**
 * HEALTHCHECK (BuildKit's `parseHealthcheck`). `NONE` takes nothing else,
 * and BuildKit does not even look at its flags; `CMD` takes a command and
 * the timing flags, which BuildKit parses here, without expansion.
 */
import type { HealthcheckInstruction } from "../../syntax/ast.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { HealthcheckCommand } from "./commands.js";
import { parseGoDuration } from "./duration.js";
import { atLeastOneArgument, InstructionError } from "./errors.js";
import { FlagDeclarations, type FlagValue } from "./flags.js";
import { parseInt32 } from "./go.js";

const HEALTHCHECK_FLAGS = new FlagDeclarations({
  interval: "string",
  timeout: "string",
  "start-period": "string",
  "start-interval": "string",
  retries: "string",
});

/** Docker's minimum for a non-zero healthcheck duration. */
const MINIMUM_NANOSECONDS = 1_000_000n;

export function healthcheckCommand(source: HealthcheckInstruction): HealthcheckCommand {
  if (source.type === null) throw new InstructionError(atLeastOneArgument("HEALTHCHECK"), source.range);
  const type = source.type.value.toUpperCase();
  if (type === "NONE") {
    // `NONE []` passes: an empty JSON array adds no argument.
    const command = source.command;
    if (command.form === "shell" || (command.form === "exec" && command.args.length > 0)) {
      throw new InstructionError("HEALTHCHECK NONE takes no arguments", source.range);
    }
    return { kind: "HEALTHCHECK", type, source };
  }
  const flags = HEALTHCHECK_FLAGS.parse(source.flags);
  if (type !== "CMD") throw new InstructionError(`Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`, source.type.range);
  const command = source.command;
  if (command.form === "none" || (command.form === "exec" && command.args.length === 0)) {
    throw new InstructionError("Missing command after HEALTHCHECK CMD", source.range);
  }
  return {
    kind: "HEALTHCHECK",
    type,
    source,
    command,
    interval: duration("interval", flags.interval),
    timeout: duration("timeout", flags.timeout),
    startPeriod: duration("start-period", flags["start-period"]),
    startInterval: duration("start-interval", flags["start-interval"]),
    retries: retries(flags.retries),
  };
}

/** Nanoseconds; 0 when the flag is absent, empty or zero (BuildKit's `parseOptInterval`). */
function duration(name: string, flag: FlagValue<string> | null): number {
  if (flag === null || flag.value === "") return 0;
  const parsed = parseGoDuration(flag.value);
  if (typeof parsed !== "bigint") throw new InstructionError(parsed.error, flag.range);
  if (parsed !== 0n && parsed < MINIMUM_NANOSECONDS) {
    throw new InstructionError(`Interval ${goQuote(name)} cannot be less than 1ms`, flag.range);
  }
  return Number(parsed);
}

function retries(flag: FlagValue<string> | null): number {
  if (flag === null || flag.value === "") return 0;
  const parsed = parseInt32(flag.value);
  if (typeof parsed !== "number") throw new InstructionError(parsed.error, flag.range);
  if (parsed < 0) throw new InstructionError(`--retries cannot be negative (${parsed})`, flag.range);
  return parsed;
}
