/**
 * Properties of the parser and printer:
 * - any input either parses or fails with a DockerfileSyntaxError (never a crash),
 *   for arbitrary strings, Dockerfile-like token soup and mutated corpus files;
 * - printing a syntax tree and parsing the result gives the same tree
 *   (generated trees, and every corpus file);
 * - large inputs finish (the vitest timeout is the guard; speed itself is measured in bench/).
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ArchName, CommandForm, Dockerfile, Flag, Heredoc, Instruction, Statement, Word } from "../../src/syntax/ast.js";
import { DockerfileSyntaxError, parseDockerfile } from "../../src/syntax/index.js";
import { printDockerfile } from "../../src/syntax/printer.js";

const corpusRoot = new URL("../../corpus/real/", import.meta.url);
const corpus = readdirSync(corpusRoot, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => readFileSync(`${entry.parentPath}/${entry.name}`, "utf8"));

function parsesOrFailsCleanly(text: string): void {
  try {
    parseDockerfile(text);
  } catch (error) {
    if (!(error instanceof DockerfileSyntaxError)) throw error;
  }
}

/** The tree without positions and derived text, for comparing trees built from different sources. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "range" && key !== "original" && key !== "warnings")
        .map(([key, inner]) => [key, shape(inner)]),
    );
  }
  return value;
}

const FRAGMENTS = [
  "FROM ", "RUN ", "CMD ", "ENV ", "ARG ", "COPY ", "ADD ", "ONBUILD ", "HEALTHCHECK ", "LABEL ", "SHELL ",
  "IFARCH ", "ENDIFARCH", "TAGARCH ", "amd64", "!arm64", "\\\n", "\\", "`", "\n", "\r\n", "\r", " ", "\t",
  "#", "# escape=`\n", "# syntax=x\n", "<<EOF", "<<-EOF", "EOF\n", "\tEOF\n", "'", '"', "$", "${", "}", "${a:-",
  "[", "]", ",", '["a", 1]', '["x"]', "--", "--mount=type=cache", "=", "a", "1", "\u00a0", "é", "\u0085", "\ufeff",
];
const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(""));

describe("parser robustness", () => {
  it("never throws anything but a syntax error on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), parsesOrFailsCleanly), { numRuns: 2000 });
  });

  it("never throws anything but a syntax error on Dockerfile-like token soup", () => {
    fc.assert(fc.property(tokenSoup, parsesOrFailsCleanly), { numRuns: 4000 });
  });

  it("never throws anything but a syntax error on mutated corpus files", () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.oneof(tokenSoup, fc.string({ unit: "binary", maxLength: 20 })));
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 }), (index, mutations) => {
        let text = corpus[index] ?? "";
        for (const [at, remove, insert] of mutations) {
          const position = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        parsesOrFailsCleanly(text);
      }),
      { numRuns: 1500 },
    );
  });

  it("finishes on large and adversarial inputs", () => {
    const megabyte = (unit: string): string => unit.repeat(Math.ceil(1_000_000 / unit.length));
    const inputs = [
      megabyte("RUN echo hello \\\n    && make \\\n"),
      megabyte("\\\\ \\ \t"), // one huge line of escapes: over BuildKit's line limit
      megabyte("RUN <<EOF\n"), // every line opens a heredoc
      megabyte("# comment\n"),
      `FROM a\nRUN ${"${a:-".repeat(5000)}<<EOF\n`,
      "FROM a\n" + "ONBUILD ".repeat(5000) + "RUN x\n",
      "FROM a\n" + "IFARCH amd64\n".repeat(5000) + "ENDIFARCH\n".repeat(5000),
      megabyte("ENV " + "a=b ".repeat(100) + "\n"),
    ];
    for (const input of inputs) parsesOrFailsCleanly(input);
  });
});

// ---- generated syntax trees --------------------------------------------------------------

const HERE = { line: 1, column: 1, offset: 0 };
const NOWHERE = { start: HERE, end: HERE };
const word = (value: string): Word => ({ value, range: NOWHERE });
const chars = (alphabet: string, minLength = 1, maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const identifier = fc.tuple(chars("abcXYZ_", 1, 1), chars("abcXYZ_019", 0, 8)).map(([head, tail]) => head + tail);
const plainWord = chars("abcdefxyz0123456789:/._-@+");
/** Free text as one instruction value: no line breaks, no heredoc markers, no surrounding blanks. */
const text = fc
  .tuple(chars("abcxyz019$:/._-", 1, 1), chars("abc xyz019$:/._-=&|'\"()é♥{}", 0, 30), chars("abcxyz019:/._-)", 1, 1))
  .map(([head, middle, tail]) => head + middle + tail);
const keyword = (name: string): fc.Arbitrary<Word> => fc.constantFrom(name, name.toLowerCase(), name[0] + name.slice(1).toLowerCase()).map(word);
const flagArb: fc.Arbitrary<Flag> = fc.record({
  name: fc.constantFrom("from", "chown", "mount", "platform", "link", "network"),
  value: fc.option(chars("abc019=,/ \"'\\-", 0, 16), { nil: null }),
  range: fc.constant(NOWHERE),
});
const flags = fc.array(flagArb, { maxLength: 3 });
const base = (name: string) => ({ keyword: keyword(name), flags, range: fc.constant(NOWHERE), comments: fc.array(text, { maxLength: 2 }), original: fc.constant("") });
type Values<R> = { [P in keyof R]: R[P] extends fc.Arbitrary<infer V> ? V : never };
type Base = Values<ReturnType<typeof base>>;
/** Instructions of one of `kinds`, with a keyword spelling that matches the kind. */
function node<const K extends string, R extends Record<string, fc.Arbitrary<unknown>>>(kinds: readonly K[], fields: R): fc.Arbitrary<Base & { kind: K } & Values<R>> {
  return fc.constantFrom(...kinds).chain((kind) => fc.record({ kind: fc.constant(kind), ...base(kind), ...fields })) as fc.Arbitrary<Base & { kind: K } & Values<R>>;
}
const command: fc.Arbitrary<CommandForm> = fc.oneof(
  fc.array(fc.string({ maxLength: 10 }).map(word), { maxLength: 4 }).map((args): CommandForm => ({ form: "exec", args })),
  text.filter((t) => !t.startsWith("[")).map((script): CommandForm => ({ form: "shell", script: word(script) })),
  fc.constant<CommandForm>({ form: "none" }),
);
const heredocs: fc.Arbitrary<{ marker: string; heredocs: Heredoc[] }> = fc
  .array(
    fc.record({
      name: fc.constantFrom("EOF", "EOT", "END"),
      quoted: fc.boolean(),
      chomp: fc.boolean(),
      fd: fc.constantFrom(0, 3),
      lines: fc.array(text, { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 2 },
  )
  .map((docs) => ({
    marker: docs.map((d) => `${d.fd === 0 ? "" : d.fd}<<${d.chomp ? "-" : ""}${d.quoted ? `"${d.name}"` : d.name}`).join(" "),
    heredocs: docs.map((d) => ({
      name: d.name,
      fd: d.fd,
      chomp: d.chomp,
      expand: !d.quoted,
      content: d.lines.filter((line) => line !== d.name).map((line) => `${line}\n`).join(""),
      range: NOWHERE,
    })),
  }));
const archName: fc.Arbitrary<ArchName> = fc.record({
  name: fc.constantFrom("amd64", "arm64", "x86-64", "arm7", "rpi", "riscv64", "made-up"),
  negated: fc.boolean(),
  range: fc.constant(NOWHERE),
});

const simpleInstruction = fc.oneof(
  node(["RUN"], { command, heredocs: fc.constant([]) }),
  node(["RUN"], { docs: heredocs }).map(({ docs, ...rest }): Instruction => ({ ...rest, command: { form: "shell", script: word(`cat ${docs.marker}`) }, heredocs: docs.heredocs })),
  node(["CMD", "ENTRYPOINT", "SHELL"], { command }),
  node(["HEALTHCHECK"], { type: fc.constantFrom("CMD", "NONE").map(word), command }),
  node(["COPY", "ADD"], {
    json: fc.boolean(),
    args: fc.array(plainWord.map(word), { minLength: 1, maxLength: 3 }),
    heredocs: fc.constant([]),
  }),
  node(["VOLUME"], { json: fc.boolean(), args: fc.array(plainWord.map(word), { minLength: 1, maxLength: 3 }) }),
  node(["FROM", "EXPOSE"], { args: fc.array(plainWord.map(word), { maxLength: 3 }) }),
  node(["ARG"], {
    args: fc.array(fc.record({ name: identifier, value: fc.option(plainWord, { nil: null }), range: fc.constant(NOWHERE) }), { maxLength: 3 }),
  }),
  node(["ENV", "LABEL"], {
    legacy: fc.constant(false),
    pairs: fc.array(fc.record({ key: identifier.map(word), value: fc.oneof(plainWord, plainWord.map((v) => `"${v} ${v}"`)).map(word) }), { maxLength: 3 }),
  }),
  node(["ENV"], {
    legacy: fc.constant(true),
    pairs: fc.tuple(identifier, text).map(([key, value]) => [{ key: word(key), value: word(value) }]),
  }),
  node(["MAINTAINER", "USER", "WORKDIR", "STOPSIGNAL"], {
    text: fc.option(text.map(word), { nil: null }),
  }),
  node(["UNKNOWN"], { text: fc.option(text.map(word), { nil: null }) }),
) as fc.Arbitrary<Instruction>;

const instruction: fc.Arbitrary<Instruction> = fc.oneof(
  { weight: 6, arbitrary: simpleInstruction },
  {
    weight: 1,
    arbitrary: node(["ONBUILD"], { trigger: fc.option(simpleInstruction, { nil: null }) }).map((onbuild): Instruction => ({ ...onbuild, trigger: onbuild.trigger === null ? null : { ...onbuild.trigger, comments: [] } })),
  },
);

const ifArch = node(["IFARCH"], { flags: fc.constant([]), archs: fc.array(archName, { minLength: 1, maxLength: 3 }) });
const endIfArch = node(["ENDIFARCH"], { flags: fc.constant([]) });
const tagArch = node(["TAGARCH"], {
  flags: fc.constant([]),
  archs: fc.array(archName.map((arch) => ({ ...arch, negated: false })), { minLength: 1, maxLength: 3 }),
});

const statements: fc.Memo<Statement[]> = fc.memo((depth) =>
  fc.array(
    depth <= 1
      ? instruction
      : fc.oneof(
          { weight: 5, arbitrary: instruction },
          {
            weight: 1,
            arbitrary: fc
              .record({ open: ifArch, body: statements(depth - 1), tag: fc.option(tagArch, { nil: null }), close: endIfArch })
              .map(({ open, body, tag, close }): Statement => ({
                kind: "ARCH_BLOCK",
                open,
                body: tag === null ? body : [...body, tag],
                close,
                range: NOWHERE,
              })),
          },
        ),
    { maxLength: 6 },
  ),
);

const dockerfileArb: fc.Arbitrary<Dockerfile> = fc
  .record({
    syntax: fc.option(fc.constant("docker/dockerfile:1"), { nil: null }),
    escape: fc.constantFrom("\\" as const, "`" as const),
    first: instruction,
    body: statements(3),
  })
  .map(({ syntax, escape, first, body }) => ({
    directives: syntax === null ? [] : [{ name: "syntax" as const, value: syntax, range: NOWHERE }],
    escape,
    body: [first, ...body],
    warnings: [],
  }));

describe("print → parse round trip", () => {
  it("gives back generated syntax trees", () => {
    fc.assert(
      fc.property(dockerfileArb, (dockerfile) => {
        const printed = printDockerfile(dockerfile);
        const reparsed = parseDockerfile(printed);
        const expected = shape(dockerfile) as { directives: unknown[] };
        // The printer writes an escape directive when the escape is not the default.
        const directives = dockerfile.escape === "`" ? [...expected.directives, { name: "escape", value: "`" }] : expected.directives;
        expect(shape(reparsed)).toEqual({ ...expected, directives: sortDirectives(directives) });
      }),
      { numRuns: 1500 },
    );
  });

  it("gives back every corpus file's syntax tree", () => {
    for (const source of corpus) {
      const tree = parseDockerfile(source);
      expect(shape(parseDockerfile(printDockerfile(tree)))).toEqual(shape(tree));
    }
  });
});

function sortDirectives(directives: unknown[]): unknown[] {
  // printDockerfile puts a missing escape directive first.
  return [...directives].sort((a, b) => Number((b as { name: string }).name === "escape") - Number((a as { name: string }).name === "escape"));
}
