/**
 * UnreachableArchBranch: a `case` arm or `[ … = … ]` test that compares an
 * architecture value with a name from another naming scheme, so it can never
 * match.
 *
 * `$TARGETARCH` says amd64 where `uname -m` says x86_64, Debian says armhf
 * where BuildKit says arm (+ v7) and Alpine says armv7. A branch written for
 * the wrong vocabulary is silently skipped: the build takes the default
 * branch (or none) on exactly the platform the branch was for, and the
 * mistake shows up as a wrong binary or a missing download much later.
 */
import { formatPlatform } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";
import { canonicalArch, judgeLiteral, judgePattern, schemeLabel, type ArchScheme, type Verdict } from "./support-arch-names.js";
import { instructionText, instructionUses, scriptsOf, type ScriptText } from "./support-scripts.js";
import { assignmentOf, comparisonsOf, globOf, soleRef, soleSubstitution, type ShellScript, type ShellWord, type VarRef } from "../../shell/script.js";
import { probeOf } from "./support-toolchain.js";

/** Text that can hold an architecture comparison at all (a variable or probe of the kinds this rule knows). */
const MENTIONS = /arch|platform|variant|targetos|buildos|uname/i;
/** Text that can compare at all: a `case`, or a `[`, `[[` or `test` command. */
const COMPARES = /\bcase\b|\[|\btest\b/;

export const UnreachableArchBranch: Rule = {
  name: "UnreachableArchBranch",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "A case arm or test compares an architecture value with a name from another naming scheme (x86_64 vs amd64, aarch64 vs arm64, …), so it never matches.",
  check(context: LintContext): void {
    for (const use of instructionUses(context)) {
      const written = instructionText(use.instruction);
      // Both before parsing: half the scripts that mention an architecture compare nothing.
      if (!MENTIONS.test(written) || !COMPARES.test(written)) continue;
      const platforms = use.uses.map((entry) => entry.target.platform);
      for (const text of scriptsOf(context, use.instruction)) {
        if (text.role === "data") continue;
        for (const finding of deadBranches(text)) {
          context.report({ range: text.range(finding.start, finding.end), message: message(context, finding), platforms });
        }
      }
    }
  },
};

/** What a compared value is: its scheme, and a description for messages. */
interface Subject {
  readonly scheme: ArchScheme;
  readonly label: string;
  /** Values it can also take (a `${TARGETARCH:-amd64}` default). */
  readonly extra: ReadonlySet<string>;
  /** Identity, to find other comparisons of the same value. */
  readonly key: string;
}

interface Dead {
  readonly start: number;
  readonly end: number;
  readonly written: string;
  readonly subject: Subject;
  readonly verdict: Verdict;
  readonly kind: "case" | "equal" | "not-equal";
}

const AUTOMATIC: Readonly<Record<string, ArchScheme>> = {
  TARGETARCH: "oci",
  BUILDARCH: "oci",
  TARGETPLATFORM: "platform",
  BUILDPLATFORM: "platform",
  TARGETVARIANT: "variant",
  BUILDVARIANT: "variant",
  TARGETOS: "os",
  BUILDOS: "os",
};

/**
 * Variables whose scheme is known at each point of the script: the
 * automatic ARGs, and variables assigned from a probe (`arch="$(uname -m)"`)
 * or copied from one of those (`arch="${dpkgArch##*-}"`).
 */
class Schemes {
  private readonly assignments: { name: string; at: number; scheme: { scheme: ArchScheme; label: string } | null }[] = [];

  constructor(script: ShellScript) {
    const events = script.commands.flatMap((command) => {
      const words = command.args.length === 0 ? command.assignments : ["export", "local", "readonly", "declare"].includes(command.args[0]?.literal ?? "") ? command.args.slice(1) : command.assignments;
      return words.flatMap((word) => {
        const assignment = assignmentOf(word);
        return assignment === null ? [] : [{ word, ...assignment }];
      });
    });
    events.sort((a, b) => a.word.start - b.word.start);
    for (const event of events) this.assignments.push({ name: event.name, at: event.word.start, scheme: this.valueScheme(event.word, event.valueStart) });
  }

  private valueScheme(word: ShellWord, from: number): { scheme: ArchScheme; label: string } | null {
    const substitution = soleSubstitution(word, from);
    if (substitution !== null) {
      const probe = substitutionProbe(substitution);
      return probe === null ? null : { scheme: probe.scheme, label: `$(${probe.label})` };
    }
    const ref = soleRef(word, from);
    if (ref === null) return null;
    const known = this.at(ref, word.start);
    return known === null ? null : { scheme: known.scheme, label: known.label };
  }

  /** The scheme of a reference used at `at`. */
  at(ref: VarRef, at: number): Subject | null {
    if (ref.op !== null && !(ref.op === "##" && ref.operand === "*-") && !/^:?-$/.test(ref.op)) return null;
    const extra = ref.op !== null && /^:?-$/.test(ref.op) && ref.operand !== null && !ref.operand.includes("$") ? new Set([ref.operand]) : new Set<string>();
    let last: { scheme: ArchScheme; label: string } | null | undefined;
    for (const assignment of this.assignments) {
      if (assignment.name === ref.name && assignment.at < at) last = assignment.scheme;
    }
    if (last === null) return null;
    if (last !== undefined) return { scheme: last.scheme, label: `$${ref.name} (from ${last.label})`, extra, key: ref.name };
    const automatic = AUTOMATIC[ref.name];
    return automatic === undefined ? null : { scheme: automatic, label: `$${ref.name}`, extra, key: ref.name };
  }
}

/** The subject of a word: a variable with a known scheme, or a probe's output. */
function subjectOf(schemes: Schemes, word: ShellWord): Subject | null {
  const ref = soleRef(word);
  if (ref !== null) return schemes.at(ref, word.start);
  const substitution = soleSubstitution(word);
  const probe = substitution === null ? null : substitutionProbe(substitution);
  if (probe === null) return null;
  return { scheme: probe.scheme, label: `$(${probe.label})`, extra: new Set(), key: probe.label };
}

/**
 * `$(uname -m)`, or a probe piped through a filter that only drops a
 * `musl-linux-` style prefix (`| awk -F- '{ print $NF }'`, `| cut -d- -f2`),
 * as docker-library images do: the value keeps the probe's scheme.
 */
const AWK_LAST_FIELD = /^awk -F ?- ?\{ ?print \$NF ?;? ?\}$/;
const CUT_FIELD = /^cut -d ?- -f ?[0-9]+-?$/;

function substitutionProbe(substitution: ShellScript): { scheme: ArchScheme; label: string } | null {
  const [first, ...rest] = substitution.commands;
  if (first === undefined) return null;
  const probe = probeOf(first);
  if (probe === null || probe.scheme === null) return null;
  const suffixOnly = rest.every((command) => {
    const words = command.args.map((arg) => arg.literal ?? arg.raw).join(" ");
    return AWK_LAST_FIELD.test(words) || CUT_FIELD.test(words);
  });
  return suffixOnly ? { scheme: probe.scheme, label: probe.label } : null;
}

function deadBranches(text: ScriptText): Dead[] {
  const script = text.script;
  const comparisons = script.commands.flatMap(comparisonsOf);
  // Nothing compared, nothing dead: most scripts, and the variables' schemes are not needed.
  if (script.cases.length === 0 && comparisons.length === 0) return [];
  const schemes = new Schemes(script);
  const dead: Dead[] = [];
  // Which canonical values each subject is compared with successfully somewhere (an alternative spelling).
  const handled = new Map<string, Set<string>>();
  const handle = (subject: Subject, value: string): void => {
    const canonical = subject.scheme === "platform" ? value : canonicalArch(value);
    if (canonical === undefined) return;
    const set = handled.get(subject.key) ?? new Set<string>();
    set.add(canonical);
    handled.set(subject.key, set);
  };
  const candidates: Dead[] = [];

  for (const clause of script.cases) {
    const subject = subjectOf(schemes, clause.subject);
    if (subject === null) continue;
    for (const arm of clause.arms) {
      const verdicts = arm.patterns.map((pattern) => judgeWord(subject, pattern, true));
      arm.patterns.forEach((pattern, index) => {
        if (verdicts[index]?.reachable === true && pattern.literal !== null && !/[*?[]/.test(pattern.literal)) handle(subject, pattern.literal);
      });
      if (verdicts.length === 0 || !verdicts.every((verdict) => verdict !== undefined && !verdict.reachable)) continue;
      const first = arm.patterns[0] as ShellWord;
      const last = arm.patterns[arm.patterns.length - 1] as ShellWord;
      candidates.push({ start: first.start, end: last.end, written: text.text.slice(first.start, last.end), subject, verdict: verdicts[0] as Verdict, kind: "case" });
    }
  }
  for (const comparison of comparisons) {
    for (const [subjectWord, valueWord] of [
      [comparison.left, comparison.right],
      [comparison.right, comparison.left],
    ] as const) {
      const subject = subjectOf(schemes, subjectWord);
      if (subject === null || valueWord.literal === null) continue;
      const verdict = judgeWord(subject, valueWord, comparison.pattern && valueWord === comparison.right);
      if (verdict === undefined) continue;
      if (verdict.reachable) {
        handle(subject, valueWord.literal);
        continue;
      }
      candidates.push({ start: valueWord.start, end: valueWord.end, written: valueWord.literal, subject, verdict, kind: comparison.op === "=" ? "equal" : "not-equal" });
    }
  }
  for (const candidate of candidates) {
    // `amd64|x86_64)` or `[ "$a" = amd64 ] || [ "$a" = x86_64 ]`: the meant value is handled elsewhere.
    if (candidate.verdict.meant !== undefined && handled.get(candidate.subject.key)?.has(candidate.verdict.meant) === true) continue;
    dead.push(candidate);
  }
  return dead;
}

function judgeWord(subject: Subject, word: ShellWord, pattern: boolean): Verdict | undefined {
  if (word.literal === null) return undefined;
  const glob = pattern ? globOf(word) : null;
  if (glob !== null) return judgePattern(subject.scheme, glob, subject.extra);
  return judgeLiteral(subject.scheme, word.literal, subject.extra);
}

function message(context: LintContext, dead: Dead): string {
  const { subject, verdict } = dead;
  const suggestion = verdict.suggestion ?? "";
  const meant = verdict.meant ?? "";
  const platform = subject.scheme === "platform" ? meant : subject.scheme === "os" || subject.scheme === "variant" || meant === "" ? null : `linux/${meant}`;
  const affected = platform === null ? [] : context.platforms.filter((candidate) => formatPlatform(candidate) === platform || formatPlatform(candidate).startsWith(`${platform}/`));
  const consequence =
    dead.kind === "not-equal"
      ? `so this test is always true${platform === null ? "" : `, also on ${platform}`}`
      : affected.length > 0
        ? `so ${platformList(affected)} never takes this branch`
        : `so this branch is dead on every platform`;
  const what = dead.kind === "case" ? `case pattern \`${dead.written}\`` : `\`${dead.written}\``;
  const variant = subject.scheme === "oci" && meant.startsWith("arm/") ? ` and check $TARGETVARIANT = ${meant.slice(4)} for the variant` : "";
  return `${what} never matches ${subject.label}, which holds ${schemeLabel(subject.scheme)}, ${consequence}. Write \`${suggestion}\`${variant}.`;
}
