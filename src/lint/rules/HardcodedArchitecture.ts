/**
 * HardcodedArchitecture: one architecture written into a download URL, a
 * file or package name, a path or an image name, in a stage that is built
 * for several architectures.
 *
 * `curl …/tini-amd64` in a stage built for linux/amd64 and linux/arm64 puts
 * the amd64 binary into the arm64 image too; nothing fails until the
 * container starts on a Raspberry Pi ("exec format error"). The fix is to
 * derive the name from `$TARGETARCH` (or a `case` on it), or to keep the
 * line in an IFARCH block.
 *
 * To stay quiet on correct files the rule only looks at words that name
 * something to fetch or use (URLs, paths, package names, images, target
 * flags), and leaves alone: words that also use an architecture variable;
 * anything inside a `case` arm, an `if`/`&&` branch or a loop that tests or
 * enumerates architectures; `sed`/`tr`/`grep` patterns; `--platform` values;
 * GNU triples and cross-toolchain packages (`gcc-aarch64-linux-gnu`,
 * `libc6-dev-arm64-cross`, `zlib1g-dev:arm64`), which are deliberate; stages
 * pinned to one platform; and IFARCH blocks.
 */
import type { CompiledStage } from "../../compile/target.js";
import type { Platform } from "../../platform/index.js";
import { formatPlatform } from "../../platform/index.js";
import type { Instruction, Word } from "../../syntax/ast.js";
import type { Range } from "../../syntax/position.js";
import type { LintContext, TargetView } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";
import { ARCH_TOKEN, archTokens, canonicalOfPlatform, spell } from "./support-arch-names.js";
import { archBlockInstructions, instructionText, instructionUses, scriptsOf, type ScriptText } from "./support-scripts.js";
import { windowsOnLinux } from "./support-stages.js";
import { argumentsOf, commandName, type ShellWord, type SimpleCommand } from "../../shell/script.js";
import { ARCHY_NAME, archConditional, compileCalls, probeOf } from "./support-toolchain.js";

/** A quick test before any parsing: does the instruction mention an architecture at all? */
const ANY_TOKEN = new RegExp(ARCH_TOKEN.source);

export const HardcodedArchitecture: Rule = {
  name: "HardcodedArchitecture",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "An architecture-specific name (amd64, x86_64, aarch64, …) is hardcoded in a URL, path, package or image of a stage built for several architectures.",
  check(context: LintContext): void {
    const inBlock = archBlockInstructions(context);
    for (const use of instructionUses(context)) {
      if (inBlock.has(use.instruction) || !ANY_TOKEN.test(instructionText(use.instruction))) continue;
      const built = use.uses.filter((entry) => !entry.step.stage.pinnedToBuild && !windowsOnLinux(entry.target, entry.step.definition.index));
      const stagePlatforms = built.map((entry) => ({ target: entry.target, platform: entry.step.stage.platform }));
      if (new Set(stagePlatforms.map((entry) => canonicalOfPlatform(entry.platform))).size < 2) continue;
      // `FROM base AS exit-amd64`: a stage named for one architecture is meant to hold its files.
      const named = new Set(built.flatMap((entry) => archTokens(entry.step.definition.name ?? "").map((token) => token.canonical)));
      for (const hit of hitsIn(context, use.instruction)) {
        if (!named.has(hit.canonical)) report(context, hit, stagePlatforms);
      }
    }
    checkBaseImages(context, inBlock);
  },
};

interface Hit {
  readonly range: Range;
  readonly token: string;
  readonly canonical: string;
  readonly word: string;
  readonly kind: "file" | "package" | "image" | "flag";
}

function report(context: LintContext, hit: Hit, stagePlatforms: readonly { target: TargetView; platform: Platform }[]): void {
  // 32-bit x86 files on amd64 are ordinary multilib; everything else must match.
  const wrong = stagePlatforms.filter((entry) => canonicalOfPlatform(entry.platform) !== hit.canonical && !(hit.canonical === "386" && entry.platform.architecture === "amd64"));
  if (wrong.length === 0) return;
  const platforms = wrong.map((entry) => entry.target.platform);
  const others = [...new Set(wrong.map((entry) => formatPlatform(entry.platform)))].join(", ");
  const oci = spell(hit.canonical, "oci") ?? hit.canonical;
  const word = hit.word.length > 90 ? `${hit.word.slice(0, 87)}…` : hit.word;
  const those = `${platformList(platforms)} ${platforms.length === 1 ? "gets" : "get"}`;
  const consequence: Record<Hit["kind"], string> = {
    file: `${those} the ${hit.canonical} file too (exec format error, or a path that does not exist there)`,
    package: `${those} the ${hit.canonical} package too, or the install fails where it does not exist`,
    image: `${those} ${hit.canonical} content as the base (exec format error, or a failed pull)`,
    flag: `${those} ${hit.canonical} code from the compiler too (exec format error)`,
  };
  const derive =
    hit.kind === "image"
      ? `Use the multi-platform image (the name without the architecture), or pin the stage with \`--platform\` if it must be ${hit.canonical}.`
      : hit.token.toLowerCase() === oci
        ? `Derive it from the target: \`ARG TARGETARCH\` and \`\${TARGETARCH}\`, or keep the line in \`IFARCH ${oci}\`.`
        : `Derive it from the target: \`ARG TARGETARCH\` and a \`case "$TARGETARCH"\` that maps ${oci} to \`${hit.token}\` (and the others to their names), or keep the line in \`IFARCH ${oci}\`.`;
  context.report({
    range: hit.range,
    platforms,
    message: `\`${hit.token}\` in \`${word}\` hardcodes ${hit.canonical}, but this stage is also built for ${others}: ${consequence[hit.kind]}. ${derive}`,
  });
}

// ---- what to look at ---------------------------------------------------------

const URL = /:\/\//;
const FILE_NAME = /\.(?:tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?|tar\.zst|zip|deb|rpm|apk|gz|xz|bz2|zst|bin|run|sh|exe|msi|AppImage|so|jar|whl)$/;
const TRIPLE = /^[a-z0-9_]+-(?:[a-z0-9]+-)?(?:linux|none|apple|windows|w64|darwin|freebsd)(?:-[a-z0-9_]+)*$/;
const CROSS_PACKAGE = /(?:-linux-gnu(?:eabi(?:hf)?)?|-linux-musl(?:eabi(?:hf)?)?|-cross)(?:$|[-_.])|^crossbuild-essential-|^qemu-|^binfmt|:[a-z0-9]+$/;
const PACKAGE_MANAGERS: Readonly<Record<string, readonly string[]>> = {
  "apt-get": ["install"],
  apt: ["install"],
  aptitude: ["install"],
  apk: ["add"],
  yum: ["install"],
  dnf: ["install"],
  microdnf: ["install"],
  tdnf: ["install"],
  zypper: ["install", "in"],
  pacman: ["-S", "-Sy", "-Syu"],
};
const PATTERN_COMMANDS = new Set(["sed", "tr", "grep", "egrep", "fgrep", "awk", "gawk", "perl", "jq", "yq", "cut", "test", "[", "[[", "dpkg-architecture", "xx-info", "uname", "echo", "printf"]);

function hitsIn(context: LintContext, instruction: Instruction): Hit[] {
  switch (instruction.kind) {
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
      return scriptsOf(context, instruction).flatMap((text) => (text.role === "data" ? [] : scriptHits(text)));
    case "ADD":
    case "COPY": {
      const words = instruction.args.filter((word) => !word.value.startsWith("<<"));
      return single(words.flatMap((word) => dockerfileWordHits(word, (value) => URL.test(value) || value.includes("/") || FILE_NAME.test(value))));
    }
    case "ENV":
      return single(instruction.pairs.flatMap((pair) => dockerfileWordHits(pair.value, (value) => URL.test(value) || value.includes("/"))));
    default:
      return [];
  }
}

/** Hits of one instruction or command, unless they name several architectures (a deliberate enumeration). */
function single(hits: Hit[]): Hit[] {
  return new Set(hits.map((hit) => hit.canonical)).size > 1 ? [] : hits;
}

/** Tokens in a Dockerfile word (not shell text) that qualifies. */
function dockerfileWordHits(word: Word, qualifies: (value: string) => boolean): Hit[] {
  const value = word.value;
  if (!qualifies(value) || /\$\{?[A-Za-z_]*(?:ARCH|PLATFORM|TARGET|TRIPLE|RID)/i.test(value)) return [];
  const singleLine = word.range.start.line === word.range.end.line && word.range.end.offset - word.range.start.offset === value.length;
  return archTokens(value)
    .filter((token) => !insideTriple(value, token.index, token.name))
    .map((token) => ({
      range: singleLine ? shift(word.range, token.index, token.name.length) : word.range,
      token: token.name,
      canonical: token.canonical,
      word: value,
      kind: "file" as const,
    }));
}

function shift(range: Range, index: number, length: number): Range {
  const start = { line: range.start.line, column: range.start.column + index, offset: range.start.offset + index };
  return { start, end: { line: start.line, column: start.column + length, offset: start.offset + length } };
}

/** `/usr/lib/x86_64-linux-gnu` is a path and stays; a bare `x86_64-linux-gnu` triple is deliberate. */
function insideTriple(value: string, index: number, token: string): boolean {
  const wordStart = Math.max(value.lastIndexOf("/", index), value.lastIndexOf("=", index), value.lastIndexOf(" ", index)) + 1;
  const rest = /^[A-Za-z0-9_.+-]*/.exec(value.slice(wordStart))?.[0] ?? "";
  return !value.includes("/") && !URL.test(value) && (TRIPLE.test(rest) || CROSS_PACKAGE.test(rest)) && rest.includes(token);
}

function scriptHits(text: ScriptText): Hit[] {
  const byCommand = new Map<SimpleCommand, Hit[]>();
  const seen = new Set<number>();
  const add = (command: SimpleCommand, word: ShellWord, category: "url" | "path" | "package" | "flag"): void => {
    if (seen.has(word.start)) return;
    seen.add(word.start);
    if (!qualifiesShellWord(text, word, category)) return;
    for (const token of archTokens(word.raw)) {
      const at = word.start + token.index;
      if (word.parts.some((part) => part.kind !== "literal" && part.start <= at && at < part.end)) continue;
      const list = byCommand.get(command) ?? [];
      list.push({
        range: text.range(at, at + token.name.length),
        token: token.name,
        canonical: token.canonical,
        word: word.raw.replace(/^["']|["']$/g, ""),
        kind: category === "package" ? "package" : category === "flag" ? "flag" : "file",
      });
      byCommand.set(command, list);
    }
  };
  // Only words that name an architecture can be hits: commands without one are skipped before anything costlier.
  for (const call of compileCalls(text.script)) {
    if (call.toolchain === "c" || !call.targetFlags.some(namesArch) || archConditional(call.command)) continue;
    for (const word of call.targetFlags) add(call.command, word, "flag");
  }
  for (const command of text.script.commands) {
    if (!(command.args.some(namesArch) || command.assignments.some(namesArch) || command.redirects.some((redirect) => namesArch(redirect.target))) || archConditional(command)) continue;
    const name = commandName(command);
    const base = name?.name ?? "";
    if (PATTERN_COMMANDS.has(base) && base !== "echo" && base !== "printf") continue;
    const args = argumentsOf(command);
    const install = PACKAGE_MANAGERS[base];
    const installing = install !== undefined && args.some((arg) => install.includes(arg.literal ?? ""));
    let afterPlatformFlag = false;
    for (const word of [...command.assignments.map((assignment) => ({ word: assignment, value: true })), ...args.map((arg) => ({ word: arg, value: false }))]) {
      const raw = word.word.raw;
      if (/^--?platform(?:=|$)/.test(raw) || afterPlatformFlag) {
        afterPlatformFlag = /^--?platform$/.test(raw);
        continue;
      }
      if (/^--?(?:arch|architecture|build|host|target)(?:=|$)/.test(raw)) continue;
      const value = word.word.literal ?? raw;
      if (URL.test(value)) add(command, word.word, "url");
      else if (base === "echo" || base === "printf") continue;
      else if (value.includes("/") && !/^s([/|#,:]).*\1.*\1[a-z]*$/.test(value)) add(command, word.word, "path");
      else if (FILE_NAME.test(value)) add(command, word.word, "path");
      else if (installing && !value.startsWith("-") && !install.includes(value)) add(command, word.word, "package");
    }
    for (const redirect of command.redirects) {
      if (redirect.op !== "<<" && redirect.op !== "<<-" && redirect.op !== "<<<") add(command, redirect.target, "path");
    }
  }
  // A command that names several architectures handles them on purpose (`generate bin/amd64 bin/arm64 …`).
  return [...byCommand].flatMap(([command, hits]) => (enumerates(command) ? [] : hits));
}

function namesArch(word: ShellWord): boolean {
  return ANY_TOKEN.test(word.raw);
}

function enumerates(command: SimpleCommand): boolean {
  const words = [...command.assignments, ...command.args, ...command.redirects.map((redirect) => redirect.target)];
  return new Set(words.flatMap((word) => archTokens(word.raw).map((token) => token.canonical))).size > 1;
}

function qualifiesShellWord(text: ScriptText, word: ShellWord, category: "url" | "path" | "package" | "flag"): boolean {
  // Derived from a platform variable (or a variable set in a branch of this script).
  if (word.refs.some((ref) => ARCHY_NAME.test(ref.name) || assignedConditionally(text, ref.name))) return false;
  if (word.parts.some((part) => part.kind === "substitution" && part.script.commands.some((command) => probeOf(command) !== null))) return false;
  const value = word.literal ?? word.raw;
  if (category === "package" && (CROSS_PACKAGE.test(value) || TRIPLE.test(value))) return false;
  if (category === "flag") return true;
  if (category !== "url" && !value.includes("/") && (TRIPLE.test(value) || CROSS_PACKAGE.test(value))) return false;
  return true;
}

/** A variable the script sets inside an architecture branch (`case $arch in amd64) url=…`). */
function assignedConditionally(text: ScriptText, name: string): boolean {
  return text.script.commands.some((command) => command.assignments.some((word) => word.raw.startsWith(`${name}=`)) && archConditional(command));
}

// ---- FROM --------------------------------------------------------------------

const IMAGE_NAMESPACE = /(?:^|\/)(amd64|arm64v8|arm32v7|arm32v6|arm32v5|i386|ppc64le|s390x|riscv64|mips64le)\//;

/** `FROM arm64v8/ubuntu` or `FROM image:tag-amd64` in a stage built for several architectures. */
function checkBaseImages(context: LintContext, inBlock: ReadonlySet<Instruction>): void {
  for (const instruction of context.instructions) {
    if (instruction.kind !== "FROM" || inBlock.has(instruction) || instruction.flags.some((flag) => flag.name === "platform")) continue;
    const image = instruction.args[0];
    // Most images name no architecture: look at the name before at the stages.
    if (image === undefined || image.value.includes("$") || !ANY_TOKEN.test(image.value)) continue;
    const namespace = IMAGE_NAMESPACE.exec(image.value);
    const colon = image.value.indexOf(":", image.value.lastIndexOf("/") + 1);
    const tokens = archTokens(image.value).filter((token) => (namespace !== null && token.index === image.value.indexOf(namespace[1] as string, namespace.index)) || (colon !== -1 && token.index > colon));
    if (tokens.length === 0) continue;
    const stages: { target: TargetView; platform: Platform }[] = [];
    for (const target of context.targets) {
      const stage: CompiledStage | undefined = target.compiled?.stages.find((candidate) => candidate.location.start.offset === instruction.range.start.offset);
      if (stage !== undefined && stage.base.kind === "image" && !stage.pinnedToBuild && !windowsOnLinux(target, stage.index)) stages.push({ target, platform: stage.platform });
    }
    if (new Set(stages.map((entry) => canonicalOfPlatform(entry.platform))).size < 2) continue;
    for (const token of tokens) {
      report(context, { range: shift(image.range, token.index, token.name.length), token: token.name, canonical: token.canonical, word: image.value, kind: "image" }, stages);
    }
  }
}
