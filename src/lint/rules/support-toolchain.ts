/**
 * Recognizing, in parsed shell text, the commands the multi-platform rules
 * care about: compilers that could cross-compile (and whether this call is
 * told the target), and commands that print the machine's architecture.
 */
import type { ArchScheme } from "./support-arch-names.js";
import { archTokens } from "./support-arch-names.js";
import { argumentsOf, assignmentOf, commandName, comparisonsOf, type Frame, type ShellScript, type ShellWord, type SimpleCommand } from "../../shell/script.js";

export type Toolchain = "go" | "cargo" | "rustc" | "c" | "dotnet" | "zig";

export interface CompileCall {
  readonly command: SimpleCommand;
  readonly toolchain: Toolchain;
  /** How to name it in a message: `go build`, `cargo build`, `gcc`. */
  readonly label: string;
  /** The call sets a target itself (`GOARCH=…`, `--target`, `-r`, a triple-named compiler, `xx-*`). */
  readonly targetFlags: readonly ShellWord[];
  /** A tonistiigi/xx wrapper (`xx-go`, `xx-clang`, `xx-cargo`), which reads TARGETPLATFORM. */
  readonly xx: boolean;
}

const C_COMPILER = /^(?:(?:[a-z0-9_]+-){2,4})?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[0-9.]+)?$/;
const TRIPLE_PREFIX = /^(?:[a-z0-9_]+-){2,4}(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[0-9.]+)?$/;
const NOT_A_BUILD = /^(?:--version|-v|-V|--help|-dumpmachine|-dumpversion|-print-[a-z-]+(?:=.*)?|-E)$/;

/** Text that can hold a compiler call at all (checked before parsing). */
export const MAY_COMPILE = /\b(?:go|cargo|rustc|dotnet|zig)\b|(?:gcc|g\+\+|\bcc|c\+\+|clang)\b/;

/** Compiler invocations in a script. */
export function compileCalls(script: ShellScript): CompileCall[] {
  const calls: CompileCall[] = [];
  for (const command of script.commands) {
    const call = compileCall(command);
    if (call !== null) calls.push(call);
  }
  return calls;
}

const TOOLS: ReadonlySet<string> = new Set(["go", "cargo", "rustc", "dotnet", "zig"]);

function compileCall(command: SimpleCommand): CompileCall | null {
  const name = commandName(command);
  if (name === null) return null;
  const xx = name.name.startsWith("xx-");
  const tool = xx ? name.name.slice(3) : name.name;
  // Most commands are not compilers: decide that before reading their arguments.
  if (!TOOLS.has(tool) && !C_COMPILER.test(tool)) return null;
  const args = argumentsOf(command);
  const values = args.map((arg) => arg.literal ?? arg.raw);
  const envWords = [...command.assignments, ...command.args.slice(0, name.index).filter((word) => assignmentOf(word) !== null)];
  const subcommand = values.find((value) => !value.startsWith("-"));
  const envTarget = (names: readonly string[]): ShellWord[] => envWords.filter((word) => names.includes(assignmentOf(word)?.name ?? ""));
  const flagged = (pattern: RegExp): ShellWord[] => {
    const found: ShellWord[] = [];
    args.forEach((arg, index) => {
      const value = arg.literal ?? arg.raw;
      if (pattern.test(value)) {
        found.push(arg);
        const next = args[index + 1];
        if (!value.includes("=") && next !== undefined) found.push(next);
      }
    });
    return found;
  };
  if (tool === "go" && (subcommand === "build" || subcommand === "install")) {
    return { command, toolchain: "go", label: `go ${subcommand}`, targetFlags: envTarget(["GOARCH", "GOOS"]), xx };
  }
  if (tool === "cargo" && subcommand !== undefined && ["build", "install", "rustc", "zigbuild", "auditable"].includes(subcommand)) {
    return { command, toolchain: "cargo", label: `cargo ${subcommand}`, targetFlags: [...flagged(/^--target(?:=|$)/), ...envTarget(["CARGO_BUILD_TARGET"])], xx };
  }
  if (tool === "rustc" && values.some((value) => !value.startsWith("-"))) {
    return { command, toolchain: "rustc", label: "rustc", targetFlags: flagged(/^--target(?:=|$)/), xx };
  }
  if (tool === "dotnet" && (subcommand === "publish" || subcommand === "build")) {
    return { command, toolchain: "dotnet", label: `dotnet ${subcommand}`, targetFlags: flagged(/^(?:-r|--runtime|-a|--arch|--os|--ucr|--use-current-runtime)(?:=|$)/), xx };
  }
  if (tool === "zig" && (subcommand === "build" || subcommand === "cc" || subcommand === "c++")) {
    return { command, toolchain: "zig", label: `zig ${subcommand}`, targetFlags: flagged(/^(?:-target|-Dtarget)(?:=|$)/), xx };
  }
  if (C_COMPILER.test(tool) && values.length > 0 && !values.some((value) => NOT_A_BUILD.test(value))) {
    const triple = TRIPLE_PREFIX.test(tool);
    return { command, toolchain: "c", label: tool, targetFlags: [...(triple ? [command.args[name.index] as ShellWord] : []), ...flagged(/^(?:--target|-target)(?:=|$)/)], xx };
  }
  return null;
}

/** A command that prints an architecture, and the naming scheme of what it prints. */
export interface Probe {
  readonly command: SimpleCommand;
  readonly label: string;
  /** What it prints, when it prints exactly one architecture name. */
  readonly scheme: ArchScheme | null;
  /** `xx-info …` reports the target (from TARGETPLATFORM), not the machine. */
  readonly targetAware: boolean;
}

export function probeOf(command: SimpleCommand): Probe | null {
  const name = commandName(command);
  if (name === null) return null;
  const values = argumentsOf(command).map((arg) => arg.literal ?? arg.raw);
  const first = values[0];
  switch (name.name) {
    case "uname": {
      if (values.length === 1 && (first === "-m" || first === "--machine")) return { command, label: `uname ${first}`, scheme: "uname", targetAware: false };
      if (values.some((value) => /^-[a-z]*[mpia][a-z]*$/.test(value) || value === "--machine" || value === "--all")) return { command, label: `uname ${values.join(" ")}`, scheme: null, targetAware: false };
      return null;
    }
    case "arch":
      return values.length === 0 ? { command, label: "arch", scheme: "uname", targetAware: false } : null;
    case "dpkg":
      return first === "--print-architecture" ? { command, label: "dpkg --print-architecture", scheme: "dpkg", targetAware: false } : null;
    case "dpkg-architecture": {
      const joined = values.join(" ");
      const query = /(?:-q|--query)\s*(DEB_(?:HOST|BUILD|TARGET)_[A-Z_]+)/.exec(joined)?.[1];
      if (query === undefined) return null;
      const scheme = /_ARCH$/.test(query) ? "dpkg" : /_GNU_CPU$/.test(query) ? "uname" : null;
      return { command, label: `dpkg-architecture -q${query}`, scheme, targetAware: false };
    }
    case "apk":
      return first === "--print-arch" ? { command, label: "apk --print-arch", scheme: "apk", targetAware: false } : null;
    case "go":
      return first === "env" && values.length === 2 && values[1] === "GOARCH" ? { command, label: "go env GOARCH", scheme: "oci", targetAware: false } : null;
    case "rpm":
      return values.some((value) => value.includes("_arch")) ? { command, label: "rpm --eval %{_arch}", scheme: null, targetAware: false } : null;
    case "gcc":
    case "cc":
    case "clang":
      return first === "-dumpmachine" ? { command, label: `${name.name} -dumpmachine`, scheme: null, targetAware: false } : null;
    case "xx-info": {
      const schemes: Record<string, ArchScheme> = { arch: "oci", march: "uname", "debian-arch": "dpkg", "alpine-arch": "apk" };
      return { command, label: `xx-info ${values.join(" ")}`.trim(), scheme: first === undefined ? null : (schemes[first] ?? null), targetAware: true };
    }
    default:
      return null;
  }
}

/** Every probe in a script, those in command substitutions included. */
export function probesIn(script: ShellScript): Probe[] {
  return script.commands.flatMap((command) => {
    const probe = probeOf(command);
    return probe === null ? [] : [probe];
  });
}

/** Variable names that say "architecture" (`$TARGETARCH`, `$dpkgArch`, `$RID`, `$TRIPLE`, …). */
export const ARCHY_NAME = /ARCH|PLATFORM|TARGET(?!OS)|TRIPLE|VARIANT|RID|MACHINE/i;

/**
 * The command runs only on some architectures: inside a `case` arm, an
 * `if`/`&&`/`||` branch that tests the architecture, or a loop over
 * architectures.
 */
export function archConditional(command: SimpleCommand): boolean {
  return command.frames.some(archFrame);
}

function archFrame(frame: Frame): boolean {
  switch (frame.kind) {
    case "case":
      return true;
    case "if":
      return frame.conditions.some(archTest);
    case "andor":
      return frame.before.some(archTest);
    case "loop":
      return frame.head.some((word) => archTokens(word.raw).length > 0 || word.refs.some((ref) => ARCHY_NAME.test(ref.name)));
    case "substitution":
      return false;
  }
}

/** A test that looks at the architecture: compares an arch variable or probe, or with an arch name. */
function archTest(command: SimpleCommand): boolean {
  if (probeOf(command) !== null) return true;
  const words = [...command.args, ...command.assignments];
  if (words.some((word) => word.refs.some((ref) => ARCHY_NAME.test(ref.name)))) return true;
  if (words.some((word) => word.parts.some((part) => part.kind === "substitution" && part.script.commands.some((inner) => probeOf(inner) !== null)))) return true;
  return comparisonsOf(command).some((comparison) => archTokens(comparison.left.raw).length > 0 || archTokens(comparison.right.raw).length > 0);
}
